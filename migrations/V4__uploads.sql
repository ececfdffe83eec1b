-- Signed uploads (POST /v2/upload, PUT /uploads/{id}): one row per upload, and its bytes in 1 MiB chunks when the
-- PostgreSQL storage is used (vidgate.uploads.storage=postgres), so no single value or read is ever 100 MiB.
CREATE TABLE uploads (
    id                uuid        PRIMARY KEY,
    account_id        uuid        NOT NULL REFERENCES accounts (id),
    -- awaiting: the PUT URL is handed out; uploading: one PUT holds the claim; stored: the bytes are complete.
    status            text        NOT NULL DEFAULT 'awaiting' CHECK (status IN ('awaiting', 'uploading', 'stored')),
    content_type      text        NOT NULL,
    size              bigint      CHECK (size >= 0),
    sha256            bytea       CHECK (octet_length(sha256) = 32),
    created_at        timestamptz NOT NULL DEFAULT now(),
    -- the PUT URL's expiry
    upload_expires_at timestamptz NOT NULL,
    -- usable in *_uri fields until then; deleted after it (unless an active job still refers to it)
    expires_at        timestamptz NOT NULL,
    claimed_at        timestamptz,
    stored_at         timestamptz,
    CHECK ((status = 'stored') = (size IS NOT NULL AND sha256 IS NOT NULL AND stored_at IS NOT NULL)),
    CHECK ((status = 'awaiting') = (claimed_at IS NULL)),
    CHECK (upload_expires_at <= expires_at)
);
CREATE INDEX uploads_expiry ON uploads (expires_at);
CREATE INDEX uploads_unfinished ON uploads (upload_expires_at) WHERE status <> 'stored';

CREATE TABLE upload_chunks (
    upload_id uuid    NOT NULL REFERENCES uploads (id) ON DELETE CASCADE,
    n         integer NOT NULL CHECK (n >= 0),
    data      bytea   NOT NULL,
    PRIMARY KEY (upload_id, n)
);
-- Media is compressed already: store it out of line without trying to compress it again.
ALTER TABLE upload_chunks ALTER COLUMN data SET STORAGE EXTERNAL;
