package io.vidgate.lifecycle;

import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A jobs row: the one mapping of the table, used by the poll, the list, the create and every transition's answer,
 * the worker protocol and the webhook outbox.
 *
 * @param inputs        what a worker needs besides the job object (prompt, media URIs, ...)
 * @param leaseToken    the live lease while processing, else null
 * @param attempt       how many leases the job has had, the current one included
 */
public record JobRow(UUID id, long seq, UUID accountId, String type, String status, String model, int duration,
                     String resolution, int fps, boolean generateAudio, Map<String, Object> inputs, String webhookUrl,
                     long creditsEstimated, long creditsReserved, long creditsCharged, long creditsRefunded,
                     int progress, Map<String, Object> result, Map<String, Object> error, int attempt,
                     UUID leaseToken, Instant leaseExpiresAt, boolean cancelRequested, Instant createdAt,
                     Instant startedAt, Instant completedAt) {

    /**
     * Every column of jobs, by name, for the statements that return whole rows. Never {@code *}: the pool caches
     * prepared statements, and PostgreSQL refuses to run a cached {@code SELECT *} once a migration has added a
     * column ("cached plan must not change result type"), so every running pod would fail requests during a rolling
     * deploy. A column a migration adds is read once it is added here.
     */
    public static final String COLUMNS = "id, seq, account_id, type, status, model, duration, resolution, fps, "
            + "generate_audio, inputs, webhook_url, credits_estimated, credits_reserved, credits_charged, "
            + "credits_refunded, progress, result, error, attempt, worker_id, lease_token, lease_expires_at, "
            + "cancel_requested, created_at, started_at, completed_at, deadline_at, available_at, lease_seconds, "
            + "last_error";

    /** {@link #COLUMNS} qualified by a table alias, for statements that join jobs. */
    public static String columns(String alias) {
        return alias + "." + COLUMNS.replace(", ", ", " + alias + ".");
    }

    public static JobRow of(Row row) {
        return new JobRow(row.getUUID("id"), row.getLong("seq"), row.getUUID("account_id"), row.getString("type"),
                row.getString("status"), row.getString("model"), row.getInteger("duration"),
                row.getString("resolution"), row.getInteger("fps"), row.getBoolean("generate_audio"),
                map(row.getValue("inputs")), row.getString("webhook_url"), row.getLong("credits_estimated"),
                row.getLong("credits_reserved"), row.getLong("credits_charged"), row.getLong("credits_refunded"),
                row.getInteger("progress"), map(row.getValue("result")), map(row.getValue("error")),
                row.getInteger("attempt"), row.getUUID("lease_token"), instant(row.getOffsetDateTime("lease_expires_at")),
                row.getBoolean("cancel_requested"), instant(row.getOffsetDateTime("created_at")),
                instant(row.getOffsetDateTime("started_at")), instant(row.getOffsetDateTime("completed_at")));
    }

    /** The first row as a job, or null when there is none: the answer of a statement that matched at most one. */
    public static JobRow firstOf(RowSet<Row> rows) {
        var it = rows.iterator();
        return it.hasNext() ? of(it.next()) : null;
    }

    /** Every row as a job, in order. */
    public static List<JobRow> allOf(RowSet<Row> rows) {
        List<JobRow> jobs = new ArrayList<>();
        rows.forEach(row -> jobs.add(of(row)));
        return jobs;
    }

    private static Map<String, Object> map(Object json) {
        return json instanceof JsonObject object ? object.getMap() : null;
    }

    private static Instant instant(OffsetDateTime time) {
        return time == null ? null : time.toInstant();
    }
}
