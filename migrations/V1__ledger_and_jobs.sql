-- vidgate schema: accounts, API keys, an append-only credit ledger, jobs and idempotency records.
-- Every invariant of docs/design.md that the database can enforce is enforced here, so that a bug in the
-- application fails a statement instead of losing or minting credits.

CREATE TABLE accounts (
    id                    uuid        PRIMARY KEY,
    name                  text        NOT NULL CHECK (char_length(name) BETWEEN 1 AND 200),
    concurrency_limit     integer     NOT NULL CHECK (concurrency_limit BETWEEN 1 AND 1000),
    rate_limit_per_minute integer     NOT NULL CHECK (rate_limit_per_minute BETWEEN 1 AND 100000),
    webhook_secret        text        NOT NULL,
    -- Balance projection of the ledger (docs/design.md, money model). credited = net sum of grants and adjustments.
    available             bigint      NOT NULL DEFAULT 0 CHECK (available >= 0),
    reserved              bigint      NOT NULL DEFAULT 0 CHECK (reserved >= 0),
    charged               bigint      NOT NULL DEFAULT 0 CHECK (charged >= 0),
    credited              bigint      NOT NULL DEFAULT 0,
    active_jobs           integer     NOT NULL DEFAULT 0 CHECK (active_jobs >= 0),
    created_at            timestamptz NOT NULL DEFAULT now(),
    -- Conservation, per account: everything ever credited is available, held, or charged.
    CONSTRAINT accounts_conservation CHECK (credited = available + reserved + charged)
);

CREATE TABLE api_keys (
    id           uuid        PRIMARY KEY,
    account_id   uuid        NOT NULL REFERENCES accounts (id),
    name         text        CHECK (name IS NULL OR char_length(name) <= 200),
    prefix       text        NOT NULL CHECK (char_length(prefix) BETWEEN 4 AND 16),
    key_hash     bytea       NOT NULL UNIQUE CHECK (octet_length(key_hash) = 32),
    created_at   timestamptz NOT NULL DEFAULT now(),
    revoked_at   timestamptz
);
CREATE INDEX api_keys_account ON api_keys (account_id, created_at);

CREATE TABLE jobs (
    id                uuid        PRIMARY KEY,
    seq               bigint      GENERATED ALWAYS AS IDENTITY UNIQUE,
    account_id        uuid        NOT NULL REFERENCES accounts (id),
    type              text        NOT NULL CHECK (type IN ('text-to-video', 'image-to-video')),
    status            text        NOT NULL CHECK (status IN ('pending', 'processing', 'completed', 'failed', 'cancelled')),
    model             text        NOT NULL,
    duration          integer     NOT NULL CHECK (duration > 0),
    resolution        text        NOT NULL,
    fps               integer     NOT NULL CHECK (fps > 0),
    generate_audio    boolean     NOT NULL,
    inputs            jsonb       NOT NULL,
    webhook_url       text,
    credits_estimated bigint      NOT NULL CHECK (credits_estimated > 0),
    credits_reserved  bigint      NOT NULL CHECK (credits_reserved >= 0),
    credits_charged   bigint      NOT NULL DEFAULT 0 CHECK (credits_charged >= 0),
    credits_refunded  bigint      NOT NULL DEFAULT 0 CHECK (credits_refunded >= 0),
    progress          integer     NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 100),
    result            jsonb,
    error             jsonb,
    attempt           integer     NOT NULL DEFAULT 0 CHECK (attempt >= 0),
    worker_id         text,
    lease_token       uuid,
    lease_expires_at  timestamptz,
    cancel_requested  boolean     NOT NULL DEFAULT false,
    created_at        timestamptz NOT NULL DEFAULT now(),
    started_at        timestamptz,
    completed_at      timestamptz,
    deadline_at       timestamptz NOT NULL,
    -- The hold of a job: while active it is the whole estimate; once ended it is split into charged and refunded.
    CONSTRAINT jobs_credits_add_up CHECK (credits_reserved + credits_charged + credits_refunded = credits_estimated),
    CONSTRAINT jobs_hold_matches_status CHECK (
        (status IN ('pending', 'processing') AND credits_reserved = credits_estimated AND completed_at IS NULL)
        OR (status = 'completed' AND credits_reserved = 0 AND completed_at IS NOT NULL)
        OR (status IN ('failed', 'cancelled') AND credits_reserved = 0 AND credits_charged = 0 AND completed_at IS NOT NULL)
    ),
    CONSTRAINT jobs_pending_has_no_lease CHECK (status <> 'pending' OR lease_token IS NULL)
);
-- Listing newest first per account, with a stable cursor.
CREATE INDEX jobs_account_seq ON jobs (account_id, seq DESC);
-- The hot queue: only active jobs are indexed, so finished jobs leave it.
CREATE INDEX jobs_queue ON jobs (seq) WHERE status = 'pending';
CREATE INDEX jobs_active_deadline ON jobs (deadline_at) WHERE status IN ('pending', 'processing');
ALTER TABLE jobs SET (autovacuum_vacuum_scale_factor = 0.02, autovacuum_analyze_scale_factor = 0.02);

CREATE TABLE ledger_entries (
    id              uuid        PRIMARY KEY,
    seq             bigint      GENERATED ALWAYS AS IDENTITY UNIQUE,
    account_id      uuid        NOT NULL REFERENCES accounts (id),
    kind            text        NOT NULL CHECK (kind IN ('grant', 'adjustment', 'reserve', 'capture', 'release')),
    -- amount is the signed change of available; the other deltas move reserved and charged.
    amount          bigint      NOT NULL,
    reserved_delta  bigint      NOT NULL,
    charged_delta   bigint      NOT NULL,
    available_after bigint      NOT NULL CHECK (available_after >= 0),
    reserved_after  bigint      NOT NULL CHECK (reserved_after >= 0),
    job_id          uuid        REFERENCES jobs (id) DEFERRABLE INITIALLY DEFERRED,
    description     text        CHECK (description IS NULL OR char_length(description) <= 500),
    created_at      timestamptz NOT NULL DEFAULT now(),
    -- The shape of each kind of transfer (two-phase: reserve, then exactly one of capture or release).
    CONSTRAINT ledger_kind_shape CHECK (
        (kind = 'grant'      AND amount > 0 AND reserved_delta = 0 AND charged_delta = 0 AND job_id IS NULL)
     OR (kind = 'adjustment' AND amount < 0 AND reserved_delta = 0 AND charged_delta = 0 AND job_id IS NULL)
     OR (kind = 'reserve'    AND amount < 0 AND reserved_delta = -amount AND charged_delta = 0 AND job_id IS NOT NULL)
     OR (kind = 'capture'    AND amount >= 0 AND reserved_delta < 0 AND charged_delta > 0
                             AND amount + reserved_delta + charged_delta = 0 AND job_id IS NOT NULL)
     OR (kind = 'release'    AND amount > 0 AND reserved_delta = -amount AND charged_delta = 0 AND job_id IS NOT NULL)
    )
);
CREATE INDEX ledger_account_seq ON ledger_entries (account_id, seq DESC);
-- Every hold is placed once and ends at most once.
CREATE UNIQUE INDEX ledger_one_reserve_per_job ON ledger_entries (job_id) WHERE kind = 'reserve';
CREATE UNIQUE INDEX ledger_one_end_per_job ON ledger_entries (job_id) WHERE kind IN ('capture', 'release');

-- A job exists only together with its reservation: checked at commit, so both rows are written in one transaction.
CREATE FUNCTION jobs_require_reservation() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM ledger_entries WHERE job_id = NEW.id AND kind = 'reserve') THEN
        RAISE EXCEPTION 'job % has no reservation', NEW.id USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER jobs_reservation_exists AFTER INSERT ON jobs
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION jobs_require_reservation();

-- The ledger is append-only: corrections are new rows.
CREATE FUNCTION ledger_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'ledger_entries is append-only' USING ERRCODE = 'integrity_constraint_violation';
END $$;
CREATE TRIGGER ledger_no_update BEFORE UPDATE OR DELETE ON ledger_entries
    FOR EACH ROW EXECUTE FUNCTION ledger_append_only();
CREATE TRIGGER ledger_no_truncate BEFORE TRUNCATE ON ledger_entries
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_append_only();

-- One effect per idempotency key: the record points at what the first request created.
CREATE TABLE idempotency_keys (
    account_id      uuid        NOT NULL REFERENCES accounts (id),
    scope           text        NOT NULL CHECK (scope IN ('jobs', 'credits')),
    key             text        NOT NULL CHECK (char_length(key) BETWEEN 1 AND 255),
    request_hash    bytea       NOT NULL CHECK (octet_length(request_hash) = 32),
    job_id          uuid        REFERENCES jobs (id) DEFERRABLE INITIALLY DEFERRED,
    ledger_entry_id uuid        REFERENCES ledger_entries (id) DEFERRABLE INITIALLY DEFERRED,
    created_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (account_id, scope, key),
    CONSTRAINT idempotency_points_at_effect CHECK (
        (scope = 'jobs' AND job_id IS NOT NULL AND ledger_entry_id IS NULL)
     OR (scope = 'credits' AND ledger_entry_id IS NOT NULL AND job_id IS NULL)
    )
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);
