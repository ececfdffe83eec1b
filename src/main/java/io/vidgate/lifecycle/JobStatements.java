package io.vidgate.lifecycle;

import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Every statement that creates or changes a jobs row, and with it every transition of the job's hold (docs/design.md,
 * "The job and its hold"). Each is ONE statement: the check and the write are the same statement, re-checked under
 * the row's lock, so no lock is held across round trips and a second attempt at the same transition (another pod's
 * agent, a late worker, a retried request) matches no row. A statement that ends a hold also moves the account's
 * credits and appends its ledger entry, in the same statement.
 *
 * <pre>
 * state        event                                      next state   ledger effect               statement
 * -            reserve (create)                           pending      reserve: available -> reserved   reserve
 * pending      lease                                      processing   -                           leaseAvailable
 * processing   heartbeat                                  processing   -                           heartbeat
 * processing   retryable failure, attempts left           pending      -                           requeue
 * processing   hand-back (worker shutting down)           pending      -  (attempt not counted)    handBack
 * processing   lease expired, attempts left               pending      -                           rescueExpiredLeases
 * processing   complete under the live lease              completed    capture: reserved -> charged     captureByLease
 * pending      cancel by the owner                        cancelled    release: reserved -> available   releaseByOwner
 * processing   cancel by the owner                        cancelled    release (worker told on heartbeat) releaseByOwner
 * processing   failure, not retryable or no attempts left failed       release                     releaseByLease
 * processing   lease expired on the last attempt          failed       release                     releaseLastAttempt
 * pending or
 * processing   past its maximum age (VIDGATE_JOBS_MAX_AGE) failed      release (expiry)            releaseExpired
 * </pre>
 * completed, failed and cancelled are final: no statement matches them. Every statement that ends a job also sends
 * the job-end notification ({@link JobEnds}) in its transaction; creating and leasing send nothing, so the
 * serialisation of notifying commits never touches the create path. Two triggers act on the same rows
 * (migrations/): {@code jobs_reservation_exists} refuses, at commit, a job without its reserve ledger entry, and
 * {@code jobs_webhook_on_end} writes the webhook outbox row when a job with a webhook_url reaches a final state.
 * <p>
 * Parameters: the release statements share their money part ({@link #SETTLE}), which reads $1 (the ledger entry id)
 * and $2 (its description); each statement's own parameters follow.
 */
public final class JobStatements {

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
             RETURNING\s""" + JobRow.COLUMNS + """
            ), entry AS (
                INSERT INTO ledger_entries (id, account_id, kind, amount, reserved_delta, charged_delta,
                                            available_after, reserved_after, job_id, description)
                SELECT $13, acc.id, 'reserve', -$2, $2, 0, acc.available, acc.reserved, job.id,
                       'Hold for ' || job.type || ' job ' || job.id
                  FROM acc, job
            )
            SELECT * FROM job""";

    /** Why a reservation matched no row: read after the fact, only to choose between 429 and 402. */
    private static final String WHY_NOT_RESERVED = """
            SELECT available, active_jobs, concurrency_limit FROM accounts WHERE id = $1""";

    /** Oldest pending first; SKIP LOCKED so that workers leasing at once never wait for, or get, the same job. */
    private static final String LEASE_AVAILABLE = """
            WITH picked AS (
                SELECT id FROM jobs
                 WHERE status = 'pending' AND available_at <= now()
                   AND ($2::text[] IS NULL OR type = ANY($2)) AND ($3::text[] IS NULL OR model = ANY($3))
                 ORDER BY seq
                 LIMIT $1
                   FOR UPDATE SKIP LOCKED
            )
            UPDATE jobs j
               SET status = 'processing', attempt = j.attempt + 1, worker_id = $4, lease_token = gen_random_uuid(),
                   lease_seconds = $5, lease_expires_at = now() + make_interval(secs => $5),
                   started_at = coalesce(j.started_at, now()), progress = 0
              FROM picked
             WHERE j.id = picked.id
            RETURNING\s""" + JobRow.columns("j");

    /** Extends a live lease. A job cancelled while leased still answers (cancel_requested), without extending. */
    private static final String HEARTBEAT = """
            UPDATE jobs
               SET lease_expires_at = CASE WHEN status = 'processing'
                                           THEN now() + make_interval(secs => lease_seconds) ELSE lease_expires_at END,
                   progress = CASE WHEN status = 'processing' THEN coalesce($3, progress) ELSE progress END
             WHERE id = $1 AND lease_token = $2 AND status IN ('processing', 'cancelled')
            RETURNING lease_expires_at, cancel_requested OR status = 'cancelled' AS cancel_requested""";

    /** A retryable failure with attempts left: back to pending, leasable again after the backoff. */
    private static final String REQUEUE = """
            UPDATE jobs
               SET status = 'pending', lease_token = NULL, lease_expires_at = NULL, worker_id = NULL, progress = 0,
                   last_error = $4,
                   available_at = now() + make_interval(secs => least($5 * power(2, attempt - 1), $6))
             WHERE id = $1 AND lease_token = $2 AND status = 'processing' AND NOT cancel_requested AND attempt < $3
            RETURNING\s""" + JobRow.COLUMNS;

    /** A worker hands a job back untouched (it is shutting down): pending again, the attempt not counted. */
    private static final String HAND_BACK = """
            UPDATE jobs
               SET status = 'pending', attempt = attempt - 1, lease_token = NULL, lease_expires_at = NULL,
                   worker_id = NULL, progress = 0, available_at = now()
             WHERE id = $1 AND lease_token = $2 AND status = 'processing' AND NOT cancel_requested
            RETURNING id""";

    /** Leases that expired with attempts left go back to pending (the next lease counts attempt + 1). */
    private static final String RESCUE_EXPIRED_LEASES = """
            WITH expired AS (
                SELECT id FROM jobs
                 WHERE status = 'processing' AND lease_expires_at < now() AND attempt < $1
                 ORDER BY lease_expires_at
                 LIMIT $2
                   FOR UPDATE SKIP LOCKED
            )
            UPDATE jobs j
               SET status = 'pending', lease_token = NULL, lease_expires_at = NULL, worker_id = NULL, progress = 0,
                   available_at = now(),
                   last_error = '{"type": "api_error", "message": "The lease expired without a heartbeat"}'
              FROM expired
             WHERE j.id = expired.id AND j.status = 'processing'
            RETURNING j.id""";

    /**
     * The money half of every end of a hold, chained after a CTE {@code job} that returned the ended job row with its
     * credits split into charged and refunded: the account moves reserved to charged and back to available, and one
     * ledger entry records it (a capture when anything was charged, else a release); and the job's end is announced on
     * {@link JobEnds#CHANNEL}, delivered when the transaction commits (the lateral subquery is never optimised away: it
     * calls a volatile function). $1 is the entry's id; %s is its description, an SQL expression.
     */
    private static final String SETTLE = """
            , acc AS (
                UPDATE accounts a
                   SET available = a.available + job.credits_refunded,
                       reserved = a.reserved - job.credits_charged - job.credits_refunded,
                       charged = a.charged + job.credits_charged,
                       active_jobs = a.active_jobs - 1
                  FROM job
                 WHERE a.id = job.account_id
             RETURNING a.id, a.available, a.reserved
            ), entry AS (
                INSERT INTO ledger_entries (id, account_id, kind, amount, reserved_delta, charged_delta,
                                            available_after, reserved_after, job_id, description)
                SELECT $1, acc.id, CASE WHEN job.credits_charged > 0 THEN 'capture' ELSE 'release' END,
                       job.credits_refunded, -(job.credits_charged + job.credits_refunded), job.credits_charged,
                       acc.available, acc.reserved, job.id, %s
                  FROM acc, job
            )
            SELECT job.* FROM job CROSS JOIN LATERAL (SELECT pg_notify('""" + JobEnds.CHANNEL
            + "', job.id::text)) ended";

    /** Completes a processing job under a live lease: charges the cost, releases any remainder in the same entry. */
    private static final String CAPTURE_BY_LEASE = """
            WITH job AS (
                UPDATE jobs
                   SET status = 'completed', credits_charged = credits_estimated,
                       credits_refunded = credits_reserved - credits_estimated,
                       credits_reserved = 0, completed_at = now(), progress = 100, result = $4
                 WHERE id = $2 AND lease_token = $3 AND status = 'processing' AND NOT cancel_requested
             RETURNING\s""" + JobRow.COLUMNS + """
            )""" + SETTLE.formatted("'Charged for ' || job.type || ' job ' || job.id");

    /** The owner cancels an active job; a processing one keeps cancel_requested so its worker learns it. */
    private static final String RELEASE_BY_OWNER = release("""
            UPDATE jobs j
               SET status = 'cancelled',\s""" + releasedHold("NULL") + """
                   , cancel_requested = (j.status = 'processing')
             WHERE j.id = $3 AND j.account_id = $4 AND j.status IN ('pending', 'processing')""");

    /** The lease holder reports a failure that will not be retried. */
    private static final String RELEASE_BY_LEASE = release("""
            UPDATE jobs j
               SET status = 'failed',\s""" + releasedHold("$3") + """
             WHERE j.id = $4 AND j.lease_token = $5 AND j.status = 'processing' AND NOT j.cancel_requested""");

    /** One job whose lease expired on its last attempt; skips a job another agent is ending. */
    private static final String RELEASE_LAST_ATTEMPT = release("""
            SELECT id FROM jobs WHERE status = 'processing' AND lease_expires_at < now() AND attempt >= $4
             ORDER BY lease_expires_at LIMIT 1 FOR UPDATE SKIP LOCKED""", """
            UPDATE jobs j
               SET status = 'failed',\s""" + releasedHold("$3") + """
              FROM target
             WHERE j.id = target.id AND j.status = 'processing'""");

    /** One active job past its deadline (VIDGATE_JOBS_MAX_AGE); skips a job another agent is ending. */
    private static final String RELEASE_EXPIRED = release("""
            SELECT id FROM jobs WHERE status IN ('pending', 'processing') AND deadline_at < now()
             ORDER BY deadline_at LIMIT 1 FOR UPDATE SKIP LOCKED""", """
            UPDATE jobs j
               SET status = 'failed',\s""" + releasedHold("$3") + """
              FROM target
             WHERE j.id = target.id AND j.status IN ('pending', 'processing')""");

    private JobStatements() {
    }

    /** The whole hold goes back to available; {@code error} is the SQL of the job's error (a parameter or NULL). */
    private static String releasedHold(String error) {
        return "credits_refunded = j.credits_reserved, credits_reserved = 0, completed_at = now(), error = " + error
                + "\n";
    }

    /** A release: the update that ends the job (alias j) followed by the money part. */
    private static String release(String update) {
        return "WITH job AS (\n" + update + "\n RETURNING " + JobRow.columns("j") + "\n)" + SETTLE.formatted("$2");
    }

    /**
     * A release of the one job {@code target} picks (a SELECT of one id). The target is a MATERIALIZED CTE, evaluated
     * once: as a subquery joined in UPDATE ... FROM, the planner may scan it again for every row of jobs, and each
     * scan, skipping the row this statement already updated, would pick one more job (JobStatementsTest).
     */
    private static String release(String target, String update) {
        return "WITH target AS MATERIALIZED (\n" + target + "\n), job AS (\n" + update + "\n RETURNING "
                + JobRow.columns("j") + "\n)" + SETTLE.formatted("$2");
    }

    // ---- create ------------------------------------------------------------------------------------------------

    /** The new job, pending, with its credits held; null if the account cannot afford it or is at its limit. */
    public static Uni<JobRow> reserve(SqlClient sql, NewJob job) {
        Tuple params = Tuple.tuple()
                .addUUID(job.accountId())
                .addLong(job.credits())
                .addUUID(job.id())
                .addString(job.type())
                .addString(job.model())
                .addInteger(job.duration())
                .addString(job.resolution())
                .addInteger(job.fps())
                .addBoolean(job.generateAudio())
                .addValue(new JsonObject(job.inputs()))
                .addString(job.webhookUrl())
                .addLong(job.maxAge().toSeconds())
                .addUUID(UUID.randomUUID());
        return sql.preparedQuery(RESERVE).execute(params).map(JobRow::firstOf);
    }

    /** What the account had when a reservation matched no row; null if the account does not exist. */
    public static Uni<AccountLimits> whyNotReserved(SqlClient sql, UUID accountId) {
        return sql.preparedQuery(WHY_NOT_RESERVED).execute(Tuple.of(accountId)).map(rows -> {
            Row row = first(rows);
            return row == null ? null : new AccountLimits(row.getLong("available"), row.getInteger("active_jobs"),
                    row.getInteger("concurrency_limit"));
        });
    }

    /** An account's credits and active jobs against its concurrency limit. */
    public record AccountLimits(long available, int activeJobs, int concurrencyLimit) {

        public boolean atConcurrencyLimit() {
            return activeJobs >= concurrencyLimit;
        }
    }

    // ---- the worker's lease ------------------------------------------------------------------------------------

    /** Up to {@code maxJobs} pending jobs of the given types and models (null: any), oldest first, now leased. */
    public static Uni<List<JobRow>> leaseAvailable(SqlClient sql, String workerId, int maxJobs, int leaseSeconds,
                                                   List<String> types, List<String> models) {
        Tuple params = Tuple.of(maxJobs, types == null ? null : types.toArray(String[]::new),
                models == null ? null : models.toArray(String[]::new), workerId, leaseSeconds);
        return sql.preparedQuery(LEASE_AVAILABLE).execute(params).map(JobRow::allOf);
    }

    /** The lease's new expiry and whether the job was cancelled; null if the token is not the job's live lease. */
    public static Uni<Heartbeat> heartbeat(SqlClient sql, UUID jobId, UUID leaseToken, Integer progress) {
        return sql.preparedQuery(HEARTBEAT).execute(Tuple.of(jobId, leaseToken, progress)).map(rows -> {
            Row row = first(rows);
            return row == null ? null : new Heartbeat(row.getOffsetDateTime("lease_expires_at").toInstant(),
                    row.getBoolean("cancel_requested"));
        });
    }

    public record Heartbeat(Instant leaseExpiresAt, boolean cancelRequested) {
    }

    /** Back to pending after the backoff; null if the lease is not live or this was the last attempt. */
    public static Uni<JobRow> requeue(SqlClient sql, UUID jobId, UUID leaseToken, int maxAttempts,
                                      Map<String, Object> error, Duration backoff, Duration backoffMax) {
        return sql.preparedQuery(REQUEUE).execute(Tuple.of(jobId, leaseToken, maxAttempts, new JsonObject(error),
                        backoff.toMillis() / 1000.0, backoffMax.toMillis() / 1000.0))
                .map(JobRow::firstOf);
    }

    /** True if the job went back to pending with its attempt not counted. */
    public static Uni<Boolean> handBack(SqlClient sql, UUID jobId, UUID leaseToken) {
        return sql.preparedQuery(HAND_BACK).execute(Tuple.of(jobId, leaseToken)).map(rows -> rows.rowCount() == 1);
    }

    /** Up to {@code max} jobs whose lease expired with attempts left, back to pending; how many. */
    public static Uni<Integer> rescueExpiredLeases(SqlClient sql, int maxAttempts, int max) {
        return sql.preparedQuery(RESCUE_EXPIRED_LEASES).execute(Tuple.of(maxAttempts, max)).map(RowSet::rowCount);
    }

    // ---- the end of a hold -------------------------------------------------------------------------------------

    /**
     * Completes a processing job under its live lease and captures its price (known when the job is created, so
     * nothing is left to release today; the statement releases any remainder should a cost ever be lower).
     * Null if the lease is not live.
     */
    public static Uni<JobRow> captureByLease(SqlClient sql, UUID jobId, UUID leaseToken, Map<String, Object> result) {
        return sql.preparedQuery(CAPTURE_BY_LEASE)
                .execute(Tuple.of(UUID.randomUUID(), jobId, leaseToken, new JsonObject(result)))
                .map(JobRow::firstOf);
    }

    /** Cancels the account's active job and releases its hold; null if it has no such active job. */
    public static Uni<JobRow> releaseByOwner(SqlClient sql, UUID jobId, UUID accountId) {
        return sql.preparedQuery(RELEASE_BY_OWNER)
                .execute(Tuple.of(UUID.randomUUID(), "Hold released: job cancelled", jobId, accountId))
                .map(JobRow::firstOf);
    }

    /** Fails the job under its live lease and releases its hold; null if the lease is not live. */
    public static Uni<JobRow> releaseByLease(SqlClient sql, UUID jobId, UUID leaseToken, Map<String, Object> error) {
        return sql.preparedQuery(RELEASE_BY_LEASE)
                .execute(Tuple.of(UUID.randomUUID(), "Hold released: job failed", new JsonObject(error), jobId,
                        leaseToken))
                .map(JobRow::firstOf);
    }

    /** Fails one job whose lease expired on its last attempt and releases its hold; null if there is none. */
    public static Uni<JobRow> releaseLastAttempt(SqlClient sql, int maxAttempts, Map<String, Object> error) {
        return sql.preparedQuery(RELEASE_LAST_ATTEMPT)
                .execute(Tuple.of(UUID.randomUUID(),
                        "Hold released: job failed, its lease expired on the last attempt", new JsonObject(error),
                        maxAttempts))
                .map(JobRow::firstOf);
    }

    /** Fails one job past its maximum age and releases its hold as expired; null if there is none. */
    public static Uni<JobRow> releaseExpired(SqlClient sql, Duration maxAge, Map<String, Object> error) {
        return sql.preparedQuery(RELEASE_EXPIRED)
                .execute(Tuple.of(UUID.randomUUID(), "Hold expired: job exceeded its maximum age of " + maxAge,
                        new JsonObject(error)))
                .map(JobRow::firstOf);
    }

    static Row first(RowSet<Row> rows) {
        var it = rows.iterator();
        return it.hasNext() ? it.next() : null;
    }
}
