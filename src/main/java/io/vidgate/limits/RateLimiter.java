package io.vidgate.limits;

import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vidgate.crypto.Secrets;
import io.vidgate.accounts.BalanceView;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Authenticates an API key AND counts the request against its account's rate limit in one statement, one round
 * trip. The state lives in PostgreSQL (table rate_limits), so every pod shares one allowance; the upsert runs
 * under the row lock of the account's state, so concurrent requests on any pods are counted one after another.
 * The limit is read from the account on every request: a change through the admin API applies to the next one,
 * and the requests already made count as the same number of requests under the new limit (the time still ahead
 * of now is rescaled by new interval / old interval).
 * No key cache: a revoked key fails on the very next request, on every pod.
 * The same statement returns the account's balance as it read it, so that the balance and the estimate endpoints
 * answer without a second round trip.
 */
@ApplicationScoped
public class RateLimiter {

    static final String AUTHENTICATE_AND_COUNT = """
            WITH caller AS (
                SELECT k.account_id, 60000000 / a.rate_limit_per_minute AS interval_us, a.rate_limit_per_minute AS lim,
                       coalesce($2::bigint, (extract(epoch FROM clock_timestamp()) * 1000000)::bigint) AS now_us,
                       a.available, a.reserved
                  FROM api_keys k JOIN accounts a ON a.id = k.account_id
                 WHERE k.key_hash = $1 AND k.revoked_at IS NULL
            ), counted AS (
            INSERT INTO rate_limits AS r (account_id, tat, interval_us, burst_us, now_us, allowed)
            SELECT account_id, now_us + interval_us, interval_us, interval_us * lim, now_us, true FROM caller
            ON CONFLICT (account_id) DO UPDATE SET
                allowed = excluded.now_us + greatest(r.tat - excluded.now_us, 0) * excluded.interval_us / r.interval_us
                          + excluded.interval_us - excluded.now_us <= excluded.burst_us,
                tat = excluded.now_us + greatest(r.tat - excluded.now_us, 0) * excluded.interval_us / r.interval_us
                      + CASE WHEN excluded.now_us
                                  + greatest(r.tat - excluded.now_us, 0) * excluded.interval_us / r.interval_us
                                  + excluded.interval_us - excluded.now_us <= excluded.burst_us
                             THEN excluded.interval_us ELSE 0 END,
                interval_us = excluded.interval_us,
                burst_us = excluded.burst_us,
                now_us = excluded.now_us
            RETURNING account_id, tat, interval_us, burst_us, now_us, allowed
            )
            SELECT counted.*, caller.available, caller.reserved FROM counted JOIN caller USING (account_id)""";

    private final Pool pool;
    private final RateLimitClock clock;

    RateLimiter(Pool pool, RateLimitClock clock) {
        this.pool = pool;
        this.clock = clock;
    }

    /** The decision for this request and the balance, or null when no live key has this value (401). */
    public Uni<Admission> authenticate(String apiKey) {
        return pool.preparedQuery(AUTHENTICATE_AND_COUNT)
                .execute(Tuple.of(Buffer.buffer(Secrets.sha256(apiKey)), clock.nowMicros()))
                .map(rows -> {
                    var it = rows.iterator();
                    return it.hasNext() ? decision(it.next()) : null;
                });
    }

    private static Admission decision(Row row) {
        return new Admission(RateLimit.of(row.getUUID("account_id"), row.getBoolean("allowed"), row.getLong("tat"),
                row.getLong("now_us"), row.getLong("interval_us"), row.getLong("burst_us")),
                BalanceView.of(row.getLong("available"), row.getLong("reserved")));
    }
}
