package io.vidgate.ledger;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vidgate.accounts.AccountRepository;
import io.vidgate.db.DatabaseGuard;
import io.vidgate.http.Errors;
import io.vidgate.idempotency.IdempotencyKey;
import io.vidgate.idempotency.IdempotencyRecords;
import io.vidgate.idempotency.IdempotencyRecords.Outcome;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.UUID;

/** Admin grants and adjustments of credits, at most once per Idempotency-Key. */
@ApplicationScoped
public class CreditService {

    private final Pool pool;
    private final DatabaseGuard database;
    private final LedgerRepository ledger;
    private final AccountRepository accounts;

    CreditService(Pool pool, DatabaseGuard database, LedgerRepository ledger, AccountRepository accounts) {
        this.pool = pool;
        this.database = database;
        this.ledger = ledger;
        this.accounts = accounts;
    }

    public Uni<Outcome<LedgerEntryView>> credit(UUID accountId, long amount, String description, IdempotencyKey key) {
        UUID entryId = UUID.randomUUID();
        return database.call(() -> accounts.findById(accountId)
                .onItem().ifNull().failWith(Errors.NotFound::account)
                .flatMap(account -> IdempotencyRecords.once(pool, accountId, IdempotencyRecords.Scope.CREDITS, key,
                        entryId,
                        sql -> Grants.credit(sql, accountId, entryId, amount, description)
                                .onItem().ifNull().failWith(() -> new Errors.InsufficientFunds(-amount)),
                        earlier -> ledger.findById(earlier).map(LedgerEntryView::of))));
    }
}
