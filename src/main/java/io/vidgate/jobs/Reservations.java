package io.vidgate.jobs;

import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

import java.time.Duration;
import java.util.UUID;

/**
 * The ledger-critical statements of a job's hold, as explicit SQL so that their atomicity is visible here.
 * Each is ONE statement: a conditional update of the account row (the check and the write are the same
 * statement, so no row lock is held across round trips) chained by CTEs to the job row and its ledger entry.
 */
final class Reservations {

    /** Takes the hold and enqueues the job, or changes nothing (zero rows) if the account cannot afford it or is
     *  at its concurrency limit. */
    private static final String RESERVE = """
            WITH acc AS (
                UPDATE accounts
                   SET available = available - $2, reserved = reserved + $2, active_jobs = active_jobs + 1
                 WHERE id = $1 AND available >= $2 AND active_jobs < concurrency_limit
             RETURNING id, available, reserved
            ), job AS (
                INSERT INTO jobs (id, account_id, type, status, model, duration, resolution, fps, generate_audio,
                                  inputs, webhook_url, credits_estimated, credits_reserved, deadline_at)
                SELECT $3, acc.id, $4, 'pending', $5, $6, $7, $8, $9, $10, $11, $2, $2,
                       now() + make_interval(secs => $12)
                  FROM acc
             RETURNING\s""" + JobRows.COLUMNS + """
            ), entry AS (
                INSERT INTO ledger_entries (id, account_id, kind, amount, reserved_delta, charged_delta,
                                            available_after, reserved_after, job_id, description)
                SELECT $13, acc.id, 'reserve', -$2, $2, 0, acc.available, acc.reserved, job.id,
                       'Hold for ' || job.type || ' job ' || job.id
                  FROM acc, job
            )
            SELECT * FROM job""";

    /** Why a reservation matched no row: read after the fact, only to choose between 429 and 402. */
    private static final String WHY_NOT = """
            SELECT available, active_jobs, concurrency_limit FROM accounts WHERE id = $1""";

    private Reservations() {
    }

    /** The job row, or null if nothing was reserved. */
    static Uni<Row> reserve(SqlClient sql, UUID accountId, UUID jobId, JobRequest request, Duration maxAge) {
        Tuple params = Tuple.tuple()
                .addUUID(accountId)
                .addLong(request.price().credits())
                .addUUID(jobId)
                .addString(request.type().wire)
                .addString(request.model())
                .addInteger(request.duration())
                .addString(request.resolution())
                .addInteger(request.fps())
                .addBoolean(request.generateAudio())
                .addValue(new JsonObject(request.inputs()))
                .addString(request.webhookUrl())
                .addLong(maxAge.toSeconds())
                .addUUID(UUID.randomUUID());
        return sql.preparedQuery(RESERVE).execute(params).map(Holds::firstOrNull);
    }

    static Uni<Row> whyNot(SqlClient sql, UUID accountId) {
        return sql.preparedQuery(WHY_NOT).execute(Tuple.of(accountId)).map(Holds::firstOrNull);
    }

}
