-- Results stored by vidgate (docs/api.md 4 and 4.5): a worker asks for a signed upload of its finished video
-- (POST /internal/jobs/{id}/result-upload), PUTs the bytes, and completes the job with the upload's storage_uri.
-- Such an upload belongs to the job's account and names the job; completing the job moves its expires_at to the
-- end of the result's retention (24 h after the job ended), after which the upload sweeper deletes the bytes.
-- Additive only: a nullable column and an index (older pods name their columns and never read this one).
ALTER TABLE uploads ADD COLUMN job_id uuid REFERENCES jobs (id);
CREATE INDEX uploads_job ON uploads (job_id) WHERE job_id IS NOT NULL;
