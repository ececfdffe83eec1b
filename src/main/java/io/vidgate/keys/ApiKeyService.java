package io.vidgate.keys;

import io.vidgate.crypto.Secrets;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.vidgate.accounts.AccountRepository;
import io.vidgate.db.DatabaseGuard;
import io.vidgate.http.Errors;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;

/** Issuing, listing and revoking API keys. The plaintext key leaves this class once, in the issue response. */
@ApplicationScoped
public class ApiKeyService {

    private static final Logger LOG = Logger.getLogger(ApiKeyService.class);

    private final DatabaseGuard database;
    private final ApiKeyRepository keys;
    private final AccountRepository accounts;

    ApiKeyService(DatabaseGuard database, ApiKeyRepository keys, AccountRepository accounts) {
        this.database = database;
        this.keys = keys;
        this.accounts = accounts;
    }

    public Uni<ApiKeyView> issue(UUID accountId, String name) {
        String plaintext = KeyFormat.newKey();
        ApiKey key = new ApiKey();
        key.id = UUID.randomUUID();
        key.accountId = accountId;
        key.name = name;
        key.prefix = KeyFormat.visiblePrefix(plaintext);
        key.keyHash = Secrets.sha256(plaintext);
        key.createdAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
        return database.call(() -> Panache.withTransaction(() -> accounts.findById(accountId)
                        .onItem().ifNull().failWith(Errors.NotFound::account)
                        .flatMap(account -> keys.persist(key))))
                .invoke(() -> LOG.infof("issued API key %s... for account %s", key.prefix, accountId))
                .map(saved -> ApiKeyView.issued(saved, plaintext));
    }

    public Uni<List<ApiKeyView>> list(UUID accountId) {
        return database.call(() -> accounts.findById(accountId)
                        .onItem().ifNull().failWith(Errors.NotFound::account)
                        .flatMap(account -> keys.listForAccount(accountId)))
                .map(found -> found.stream().map(ApiKeyView::of).toList());
    }

    /** Revokes a key; revoking it again is harmless. The next request with it gets 401. */
    public Uni<Void> revoke(UUID keyId) {
        return database.call(() -> Panache.withTransaction(() -> keys.findById(keyId)
                        .onItem().ifNull().failWith(Errors.NotFound::apiKey)
                        .invoke(key -> {
                            if (key.revokedAt == null) {
                                key.revokedAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
                                LOG.infof("revoked API key %s...", key.prefix);
                            }
                        })))
                .replaceWithVoid();
    }
}
