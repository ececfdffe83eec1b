-- The SQL work of one GET /v2/jobs/{id}, for pgbench -M prepared -n (run with -D njobs=<rows of bench_poll_jobs>):
-- 1. RateLimiter.AUTHENTICATE_AND_COUNT with the hash of the key of the job's account;
-- 2. the job read of JobService.get (FIND_FOR_ACCOUNT): SELECT * FROM jobs WHERE id = $1 AND account_id = $2.
-- The key hash and job id come from primary-key subqueries on the helper table bench_poll_jobs.
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
SELECT counted.*, caller.available, caller.reserved FROM counted JOIN caller USING (account_id)
\gset
SELECT * FROM jobs WHERE id = (SELECT job_id FROM bench_poll_jobs WHERE n = :j) AND account_id = :account_id::uuid;
