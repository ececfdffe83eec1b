-- GCRA rate-limit state, one row per account, shared by every pod. Times are microseconds since the epoch.
-- interval_us and burst_us are copied from the account's limit on every request, so a changed limit applies to
-- the next request; allowed and now_us describe the last decision (read back by the same statement).
-- UNLOGGED: updated on every request, so it writes no WAL and its commits wait for no disk flush. The price: after
-- a database crash or a failover the table is empty, and every account starts again with a full burst.
CREATE UNLOGGED TABLE rate_limits (
    account_id   uuid    PRIMARY KEY REFERENCES accounts (id),
    tat          bigint  NOT NULL,
    interval_us  bigint  NOT NULL CHECK (interval_us > 0),
    burst_us     bigint  NOT NULL CHECK (burst_us >= interval_us),
    now_us       bigint  NOT NULL,
    allowed      boolean NOT NULL
);
-- Updated on every request: leave room on each page for HOT updates, and vacuum it often.
ALTER TABLE rate_limits SET (fillfactor = 50, autovacuum_vacuum_scale_factor = 0.01);
