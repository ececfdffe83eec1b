package io.vidgate.accounts;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.vidgate.config.VidgateConfig;
import io.vidgate.db.DatabaseGuard;
import io.vidgate.http.Errors;
import io.vidgate.crypto.Secrets;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.UUID;

/** Creating, reading and changing accounts (admin API). Balances change only through the ledger. */
@ApplicationScoped
public class AccountService {

    private final DatabaseGuard database;
    private final AccountRepository accounts;
    private final VidgateConfig config;

    AccountService(DatabaseGuard database, AccountRepository accounts, VidgateConfig config) {
        this.database = database;
        this.accounts = accounts;
        this.config = config;
    }

    public Uni<AccountView> create(AccountChanges changes) {
        Account account = new Account();
        account.id = UUID.randomUUID();
        account.concurrencyLimit = config.concurrencyLimit().defaultLimit();
        account.rateLimitPerMinute = config.rateLimit().defaultPerMinute();
        account.webhookSecret = "whsec_" + Base64.getEncoder().encodeToString(Secrets.randomBytes(32));
        account.createdAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
        changes.applyTo(account);
        return database.call(() -> Panache.withTransaction(() -> accounts.persist(account)))
                .map(AccountView::of);
    }

    public Uni<AccountView> get(UUID id) {
        return database.call(() -> accounts.findById(id))
                .onItem().ifNull().failWith(Errors.NotFound::account)
                .map(AccountView::of);
    }

    public Uni<AccountView> update(UUID id, AccountChanges changes) {
        return database.call(() -> Panache.withTransaction(() -> accounts.findById(id)
                        .onItem().ifNotNull().invoke(changes::applyTo)))
                .onItem().ifNull().failWith(Errors.NotFound::account)
                .map(AccountView::of);
    }

    /** Fails with 404 unless the account exists. */
    public Uni<Void> requireExists(UUID id) {
        return database.call(() -> accounts.findById(id))
                .onItem().ifNull().failWith(Errors.NotFound::account)
                .replaceWithVoid();
    }
}
