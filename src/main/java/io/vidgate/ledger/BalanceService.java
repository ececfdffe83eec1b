package io.vidgate.ledger;

import io.smallrye.mutiny.Uni;
import io.vidgate.db.DatabaseGuard;
import io.vidgate.http.Page;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.UUID;

/** Reads of an account's ledger (its balance comes with authentication: {@link io.vidgate.auth.Caller#balance()}). */
@ApplicationScoped
public class BalanceService {

    private final DatabaseGuard database;
    private final LedgerRepository ledger;

    BalanceService(DatabaseGuard database, LedgerRepository ledger) {
        this.database = database;
        this.ledger = ledger;
    }

    public Uni<Page<LedgerEntryView>> entries(UUID accountId, UUID after, int limit) {
        return database.call(() -> ledger.page(accountId, after, limit + 1))
                .map(found -> Page.of(found.stream().map(LedgerEntryView::of).toList(), limit,
                        view -> view.id().toString()));
    }
}
