-- The SQL work of one POST /v2/estimate (and of one GET /v2/balance), for pgbench -M prepared -n
-- (run with -D njobs=<rows of bench_poll_jobs>): RateLimiter.AUTHENTICATE_AND_COUNT alone. It authenticates the
-- key, counts the request against the account's rate limit and returns the balance; the price is computed in the
-- app from the catalog, with no further SQL. This is also the floor of every authenticated request.
-- The key hash comes from a primary-key subquery on the helper table bench_poll_jobs (set A's keys).
\set j random(1, :njobs)
WITH caller AS (
    SELECT k.account_id, 60000000 / a.rate_limit_per_minute AS interval_us, a.rate_limit_per_minute AS lim,
           coalesce(NULL::bigint, (extract(epoch FROM clock_timestamp()) * 1000000)::bigint) AS now_us,
           a.available, a.reserved
      FROM api_keys k JOIN accounts a ON a.id = k.account_id
     WHERE k.key_hash = (SELECT key_hash FROM bench_poll_jobs WHERE n = :j) AND k.revoked_at IS NULL
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
SELECT counted.*, caller.available, caller.reserved FROM counted JOIN caller USING (account_id);
