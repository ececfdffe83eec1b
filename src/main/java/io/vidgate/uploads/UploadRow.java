package io.vidgate.uploads;

import io.vertx.mutiny.sqlclient.Row;

import java.util.UUID;

/**
 * One row of {@code uploads}, with {@code expired} decided by the database clock. {@code jobId} is set for the result
 * upload of a job (POST /internal/jobs/{id}/result-upload), null for a customer's upload.
 */
public record UploadRow(UUID id, UUID accountId, String status, String contentType, Long size, byte[] sha256,
                        boolean expired, UUID jobId) {

    static final String COLUMNS =
            "id, account_id, status, content_type, size, sha256, expires_at <= now() AS expired, job_id";

    /** {@link #COLUMNS} qualified by a table alias. */
    static String columns(String alias) {
        return alias + "." + COLUMNS.replace(", ", ", " + alias + ".");
    }

    static UploadRow of(Row row) {
        io.vertx.core.buffer.Buffer sha = row.getDelegate().getBuffer("sha256");
        return new UploadRow(row.getUUID("id"), row.getUUID("account_id"), row.getString("status"),
                row.getString("content_type"), row.getLong("size"), sha == null ? null : sha.getBytes(),
                row.getBoolean("expired"), row.getUUID("job_id"));
    }

    public boolean stored() {
        return "stored".equals(status);
    }
}
