package io.vidgate.jobs;

import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Row;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Map;

/** Reads a jobs row returned by explicit SQL into the same {@link Job} the Panache queries give. */
public final class JobRows {

    private JobRows() {
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
