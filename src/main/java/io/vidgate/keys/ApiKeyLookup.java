package io.vidgate.keys;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.UUID;

/** Finds the account of a live (not revoked) API key by the key's hash: one indexed lookup per request. */
@ApplicationScoped
public class ApiKeyLookup {

    private static final String FIND_ACCOUNT =
            "SELECT account_id FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL";

    private final Pool pool;

    ApiKeyLookup(Pool pool) {
        this.pool = pool;
    }

    /** The account id, or null when no live key has this hash. */
    public Uni<UUID> accountOf(String key) {
        return pool.preparedQuery(FIND_ACCOUNT)
                .execute(Tuple.of(io.vertx.core.buffer.Buffer.buffer(Secrets.sha256(key))))
                .map(rows -> {
                    var it = rows.iterator();
                    if (!it.hasNext()) {
                        return null;
                    }
                    Row row = it.next();
                    return row.getUUID("account_id");
                });
    }
}
