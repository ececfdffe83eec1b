package io.vidgate.ledger;

import io.smallrye.mutiny.Uni;
import io.vidgate.accounts.Account;
import io.vidgate.accounts.AccountRepository;
import io.vidgate.db.DatabaseGuard;
import io.vidgate.http.Errors;
import io.vidgate.http.Page;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.UUID;

/** Reads of an account's balance and ledger. */
@ApplicationScoped
public class BalanceService {

    private final DatabaseGuard database;
    private final AccountRepository accounts;
    private final LedgerRepository ledger;

    BalanceService(DatabaseGuard database, AccountRepository accounts, LedgerRepository ledger) {
        this.database = database;
        this.accounts = accounts;
        this.ledger = ledger;
    }

    public Uni<BalanceView> balance(UUID accountId) {
        return database.call(() -> find(accountId))
                .map(account -> BalanceView.of(account.available, account.reserved));
    }

    private Uni<Account> find(UUID accountId) {
        return accounts.findById(accountId).onItem().ifNull().failWith(Errors.NotFound::account);
    }

    public Uni<Page<LedgerEntryView>> entries(UUID accountId, UUID after, int limit) {
        return database.call(() -> ledger.page(accountId, after, limit + 1))
                .map(found -> Page.of(found.stream().map(LedgerEntryView::of).toList(), limit,
                        view -> view.id().toString()));
    }
}
