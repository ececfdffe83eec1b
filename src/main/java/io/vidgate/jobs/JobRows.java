package io.vidgate.jobs;

import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Row;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Map;

/** Reads a jobs row returned by explicit SQL into the same {@link Job} the Panache queries give. */
public final class JobRows {

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

    private JobRows() {
    }

    /** {@link #COLUMNS} qualified by a table alias, for statements that join jobs. */
    public static String columns(String alias) {
        return alias + "." + COLUMNS.replace(", ", ", " + alias + ".");
    }

    public static Job toJob(Row row) {
        Job job = new Job();
        job.id = row.getUUID("id");
        job.seq = row.getLong("seq");
        job.accountId = row.getUUID("account_id");
        job.type = row.getString("type");
        job.status = row.getString("status");
        job.model = row.getString("model");
        job.duration = row.getInteger("duration");
        job.resolution = row.getString("resolution");
        job.fps = row.getInteger("fps");
        job.generateAudio = row.getBoolean("generate_audio");
        job.creditsEstimated = row.getLong("credits_estimated");
        job.creditsReserved = row.getLong("credits_reserved");
        job.creditsCharged = row.getLong("credits_charged");
        job.creditsRefunded = row.getLong("credits_refunded");
        job.progress = row.getInteger("progress");
        job.result = map(row.getValue("result"));
        job.error = map(row.getValue("error"));
        job.createdAt = instant(row.getOffsetDateTime("created_at"));
        job.startedAt = instant(row.getOffsetDateTime("started_at"));
        job.completedAt = instant(row.getOffsetDateTime("completed_at"));
        return job;
    }

    private static Map<String, Object> map(Object json) {
        return json instanceof JsonObject object ? object.getMap() : null;
    }

    private static Instant instant(OffsetDateTime time) {
        return time == null ? null : time.toInstant();
    }
}
