package io.vidgate.auth;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vidgate.accounts.BalanceView;
import io.vidgate.crypto.Secrets;
import io.vidgate.limits.Admission;
import io.vidgate.limits.RateLimit;
import jakarta.enterprise.context.ApplicationScoped;

/** Finds the account of a live (not revoked) API key by the key's hash, with its balance: one statement per request. */
@ApplicationScoped
public class ApiKeyLookup {

    private static final String FIND_ACCOUNT = """
            SELECT k.account_id, a.available, a.reserved
              FROM api_keys k JOIN accounts a ON a.id = k.account_id
             WHERE k.key_hash = $1 AND k.revoked_at IS NULL""";

    private final Pool pool;

    ApiKeyLookup(Pool pool) {
        this.pool = pool;
    }

    /** The account (not counted against its rate limit) and its balance, or null when no live key has this hash. */
    public Uni<Admission> accountOf(String key) {
        return pool.preparedQuery(FIND_ACCOUNT)
                .execute(Tuple.of(io.vertx.core.buffer.Buffer.buffer(Secrets.sha256(key))))
                .map(rows -> {
                    var it = rows.iterator();
                    if (!it.hasNext()) {
                        return null;
                    }
                    Row row = it.next();
                    return new Admission(RateLimit.uncounted(row.getUUID("account_id")),
                            BalanceView.of(row.getLong("available"), row.getLong("reserved")));
                });
    }
}
