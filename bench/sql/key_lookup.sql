-- Not a request of the service: the key lookup of RateLimiter.AUTHENTICATE_AND_COUNT (its "caller" part) ALONE,
-- without counting the request against the rate limit, for pgbench -M prepared -n (run with -D njobs=<rows of
-- bench_poll_jobs>). It bounds from above what any authenticated endpoint could reach on this machine even if the
-- rate limit were not kept in PostgreSQL: the report compares it with the no-op ceiling.
\set j random(1, :njobs)
SELECT k.account_id, 60000000 / a.rate_limit_per_minute AS interval_us, a.rate_limit_per_minute AS lim,
       coalesce(NULL::bigint, (extract(epoch FROM clock_timestamp()) * 1000000)::bigint) AS now_us,
       a.available, a.reserved
  FROM api_keys k JOIN accounts a ON a.id = k.account_id
 WHERE k.key_hash = (SELECT key_hash FROM bench_poll_jobs WHERE n = :j) AND k.revoked_at IS NULL;
