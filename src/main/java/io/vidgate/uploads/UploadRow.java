package io.vidgate.uploads;

import io.vertx.mutiny.sqlclient.Row;

import java.util.UUID;

/** One row of {@code uploads}, with {@code expired} decided by the database clock. */
public record UploadRow(UUID id, UUID accountId, String status, String contentType, Long size, byte[] sha256,
                        boolean expired) {

    static final String COLUMNS = "id, account_id, status, content_type, size, sha256, expires_at <= now() AS expired";

    static UploadRow of(Row row) {
        io.vertx.core.buffer.Buffer sha = row.getDelegate().getBuffer("sha256");
        return new UploadRow(row.getUUID("id"), row.getUUID("account_id"), row.getString("status"),
                row.getString("content_type"), row.getLong("size"), sha == null ? null : sha.getBytes(),
                row.getBoolean("expired"));
    }

    public boolean stored() {
        return "stored".equals(status);
    }
}
