package io.vidgate.ledger;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vidgate.accounts.AccountRepository;
import io.vidgate.db.DatabaseGuard;
import io.vidgate.http.Errors;
import io.vidgate.idempotency.IdempotencyKey;
import io.vidgate.idempotency.IdempotencyRecords;
import io.vidgate.idempotency.IdempotencyRecords.Outcome;
import io.vidgate.idempotency.IdempotencyRecords.Scope;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.UUID;

/** Admin grants and adjustments of credits, at most once per Idempotency-Key; owns their transaction. */
@ApplicationScoped
public class CreditService {

    private final Pool pool;
    private final DatabaseGuard database;
    private final AccountRepository accounts;

    CreditService(Pool pool, DatabaseGuard database, AccountRepository accounts) {
        this.pool = pool;
        this.database = database;
        this.accounts = accounts;
    }

    /**
     * The new ledger entry; with an idempotency key, possibly the replay of an earlier grant. One transaction claims
     * the key (or finds the entry it already made) and moves the credits.
     */
    public Uni<Outcome<LedgerEntryView>> credit(UUID accountId, long amount, String description, IdempotencyKey key) {
        UUID entryId = UUID.randomUUID();
        return database.call(() -> accounts.findById(accountId)
                .onItem().ifNull().failWith(Errors.NotFound::account)
                .flatMap(account -> pool.withTransaction(tx -> IdempotencyRecords.claim(tx, accountId, Scope.CREDITS, key, entryId)
                        .flatMap(claimed -> claimed
                                ? grant(tx, accountId, entryId, amount, description).map(Outcome::fresh)
                                : replay(tx, accountId, key).map(Outcome::replay)))));
    }

    private static Uni<LedgerEntryView> grant(SqlClient tx, UUID accountId, UUID entryId, long amount,
                                              String description) {
        return Grants.credit(tx, accountId, entryId, amount, description)
                .onItem().ifNull().failWith(() -> new Errors.InsufficientFunds(-amount));
    }

    private static Uni<LedgerEntryView> replay(SqlClient tx, UUID accountId, IdempotencyKey key) {
        return IdempotencyRecords.earlierEffect(tx, accountId, Scope.CREDITS, key)
                .flatMap(entryId -> Grants.find(tx, entryId));
    }
}
