-- The SQL work of one POST /v2/text-to-video without Idempotency-Key, for pgbench -M prepared -n:
-- 1. RateLimiter.AUTHENTICATE_AND_COUNT (limits/RateLimiter.java), $1 = the key's hash, $2 = NULL (prod clock);
-- 2. JobStatements.RESERVE (lifecycle/JobStatements.java), autocommit like the app (no Idempotency-Key: the reserve statement is the whole transaction),
--    with the account id returned by statement 1, exactly as the app passes it on.
-- Differences from the app, on purpose: the key hash comes from a primary-key subquery on the helper table
-- bench_create_keys (pgbench cannot hold bytea constants), the job and ledger-entry ids are gen_random_uuid(),
-- and the request's constant values are literals (ltx-2-3-pro, 8 s, 1920x1080, 24 fps, audio: 64 credits).
\set n random(1, 100)
\set cost 64
WITH caller AS (
    SELECT k.account_id, 60000000 / a.rate_limit_per_minute AS interval_us, a.rate_limit_per_minute AS lim,
           coalesce(NULL::bigint, (extract(epoch FROM clock_timestamp()) * 1000000)::bigint) AS now_us,
           a.available, a.reserved
      FROM api_keys k JOIN accounts a ON a.id = k.account_id
     WHERE k.key_hash = (SELECT key_hash FROM bench_create_keys WHERE n = :n) AND k.revoked_at IS NULL
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
WITH acc AS (
    UPDATE accounts
       SET available = available - :cost::bigint, reserved = reserved + :cost::bigint, active_jobs = active_jobs + 1
     WHERE id = :account_id::uuid AND available >= :cost::bigint AND active_jobs < concurrency_limit
 RETURNING id, available, reserved
), job AS (
    INSERT INTO jobs (id, account_id, type, status, model, duration, resolution, fps, generate_audio,
                      inputs, webhook_url, credits_estimated, credits_reserved, deadline_at)
    SELECT gen_random_uuid(), acc.id, 'text-to-video', 'pending', 'ltx-2-3-pro', 8, '1920x1080', 24, true,
           '{"prompt": "A lighthouse at dusk"}'::jsonb, NULL::text, :cost::bigint, :cost::bigint,
           now() + make_interval(secs => 3600)
      FROM acc
 RETURNING *
), entry AS (
    INSERT INTO ledger_entries (id, account_id, kind, amount, reserved_delta, charged_delta,
                                available_after, reserved_after, job_id, description)
    SELECT gen_random_uuid(), acc.id, 'reserve', -:cost::bigint, :cost::bigint, 0, acc.available, acc.reserved, job.id,
           'Hold for ' || job.type || ' job ' || job.id
      FROM acc, job
)
SELECT * FROM job;
