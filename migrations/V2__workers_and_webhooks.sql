-- Job execution: leases taken by workers, retry backoff, and the webhook outbox.

ALTER TABLE jobs ADD COLUMN available_at timestamptz NOT NULL DEFAULT now();
ALTER TABLE jobs ADD COLUMN lease_seconds integer CHECK (lease_seconds IS NULL OR lease_seconds BETWEEN 10 AND 3600);
ALTER TABLE jobs ADD COLUMN last_error jsonb;
-- A leased job always has a token and an expiry.
ALTER TABLE jobs ADD CONSTRAINT jobs_processing_has_lease
    CHECK (status <> 'processing' OR (lease_token IS NOT NULL AND lease_expires_at IS NOT NULL));
-- Rescue of expired leases scans only processing jobs.
CREATE INDEX jobs_lease_expiry ON jobs (lease_expires_at) WHERE status = 'processing';

-- The outbox of job-end notifications. Rows are written by the trigger below, in the same transaction that ends
-- the job, whichever code path ends it (complete, fail, cancel, rescue, expiry).
CREATE TABLE webhook_deliveries (
    id               uuid        PRIMARY KEY,
    account_id       uuid        NOT NULL REFERENCES accounts (id),
    job_id           uuid        NOT NULL UNIQUE REFERENCES jobs (id),
    url              text        NOT NULL,
    status           text        NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts         integer     NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    next_attempt_at  timestamptz NOT NULL DEFAULT now(),
    created_at       timestamptz NOT NULL DEFAULT now(),
    delivered_at     timestamptz,
    CONSTRAINT webhook_delivered_has_time CHECK ((status = 'delivered') = (delivered_at IS NOT NULL))
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_account ON webhook_deliveries (account_id, created_at DESC);

CREATE TABLE webhook_attempts (
    id            bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    delivery_id   uuid        NOT NULL REFERENCES webhook_deliveries (id),
    attempted_at  timestamptz NOT NULL DEFAULT now(),
    status_code   integer,
    error         text        CHECK (error IS NULL OR char_length(error) <= 500),
    duration_ms   integer     NOT NULL CHECK (duration_ms >= 0)
);
CREATE INDEX webhook_attempts_delivery ON webhook_attempts (delivery_id, id);

CREATE FUNCTION jobs_enqueue_webhook() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO webhook_deliveries (id, account_id, job_id, url)
    VALUES (gen_random_uuid(), NEW.account_id, NEW.id, NEW.webhook_url)
    ON CONFLICT (job_id) DO NOTHING;
    RETURN NULL;
END $$;
CREATE TRIGGER jobs_webhook_on_end AFTER UPDATE OF status ON jobs
    FOR EACH ROW
    WHEN (NEW.webhook_url IS NOT NULL AND OLD.status IN ('pending', 'processing')
          AND NEW.status IN ('completed', 'failed', 'cancelled'))
    EXECUTE FUNCTION jobs_enqueue_webhook();
