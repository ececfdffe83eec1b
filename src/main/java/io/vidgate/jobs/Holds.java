package io.vidgate.jobs;

import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

import java.util.Map;
import java.util.UUID;

/**
 * Ends a job's hold, exactly once: capture (the job completed) or release (failed, cancelled, expired). Each is
 * ONE statement that moves the job out of its active state, adjusts the account, and appends the ledger entry;
 * the `status IN ('pending', 'processing')` guard on the job row, re-checked under its row lock, means a second
 * attempt (another pod's sweeper, a late worker) matches no row, and the unique index on the ledger is the last
 * line behind it. Which job is ended is a "target" sub-select, so every caller shares the same money code.
 */
public final class Holds {

    /** The job, selected by id and account: for cancel by its owner. */
    public static final String BY_ACCOUNT = "SELECT id FROM jobs WHERE id = $5 AND account_id = $6";
    /** The job, selected by id and live lease: for a worker. */
    public static final String BY_LEASE =
            "SELECT id FROM jobs WHERE id = $5 AND lease_token = $6 AND status = 'processing' AND NOT cancel_requested";
    /** One job whose lease expired on its last attempt; skips jobs another sweeper is ending. */
    public static final String EXPIRED_LEASE_ON_LAST_ATTEMPT = """
            SELECT id FROM jobs WHERE status = 'processing' AND lease_expires_at < now() AND attempt >= $5
             ORDER BY lease_expires_at LIMIT 1 FOR UPDATE SKIP LOCKED""";
    /** One active job past its deadline (VIDGATE_JOBS_MAX_AGE). */
    public static final String PAST_DEADLINE = """
            SELECT id FROM jobs WHERE status IN ('pending', 'processing') AND deadline_at < now()
             ORDER BY deadline_at LIMIT 1 FOR UPDATE SKIP LOCKED""";

    /**
     * The money half of every end of a hold, chained after a CTE {@code job} that returned the ended job row with its
     * credits split into charged and refunded: the account moves reserved to charged and back to available, and one
     * ledger entry records it (a capture when anything was charged, else a release). %1$s is the entry id,
     * %2$s the description, both SQL expressions.
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
                SELECT %1$s, acc.id, CASE WHEN job.credits_charged > 0 THEN 'capture' ELSE 'release' END,
                       job.credits_refunded, -(job.credits_charged + job.credits_refunded), job.credits_charged,
                       acc.available, acc.reserved, job.id, %2$s
                  FROM acc, job
            )
            SELECT * FROM job""";

    /** Ends the job the target selects with status $1 (failed or cancelled), refunding its whole hold. */
    private static final String RELEASE = """
            WITH target AS (%s), job AS (
                UPDATE jobs j
                   SET status = $1, credits_refunded = j.credits_reserved, credits_reserved = 0, completed_at = now(),
                       error = $2, cancel_requested = (j.status = 'processing' AND $1 = 'cancelled')
                  FROM target
                 WHERE j.id = target.id AND j.status IN ('pending', 'processing')
             RETURNING\s""" + JobRows.columns("j") + """
            )""" + SETTLE.formatted("$4", "$3");

    /** Completes a processing job under a live lease: charges the cost, releases any remainder in the same entry. */
    private static final String CAPTURE = """
            WITH job AS (
                UPDATE jobs
                   SET status = 'completed', credits_charged = credits_estimated,
                       credits_refunded = credits_reserved - credits_estimated,
                       credits_reserved = 0, completed_at = now(), progress = 100, result = $3
                 WHERE id = $1 AND lease_token = $2 AND status = 'processing' AND NOT cancel_requested
             RETURNING\s""" + JobRows.COLUMNS + """
            )""" + SETTLE.formatted("$4", "'Charged for ' || job.type || ' job ' || job.id");

    private Holds() {
    }

    /**
     * Releases the whole hold of the job the target selects and gives it {@code status} (failed or cancelled).
     * The target's own parameters start at $5. Returns the ended job row, or null if no active job matched.
     */
    public static Uni<Row> release(SqlClient sql, String target, String status, Map<String, Object> error,
                                   String description, Object... targetParams) {
        Tuple params = Tuple.of(status, error == null ? null : new JsonObject(error), description, UUID.randomUUID());
        for (Object param : targetParams) {
            params.addValue(param);
        }
        return sql.preparedQuery(RELEASE.formatted(target)).execute(params).map(Holds::firstOrNull);
    }

    /**
     * Captures the price of a processing job under a live lease (the price is known when the job is created, so
     * nothing is left to release today; the statement releases any remainder should a cost ever be lower).
     * Null if the lease is not live.
     */
    public static Uni<Row> capture(SqlClient sql, UUID jobId, UUID leaseToken, Map<String, Object> result) {
        return sql.preparedQuery(CAPTURE)
                .execute(Tuple.of(jobId, leaseToken, new JsonObject(result), UUID.randomUUID()))
                .map(Holds::firstOrNull);
    }

    static Row firstOrNull(RowSet<Row> rows) {
        var it = rows.iterator();
        return it.hasNext() ? it.next() : null;
    }
}
