package io.vidgate.workers;

import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vidgate.jobs.JobRows;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The queue statements that move no money: taking leases, extending them, and putting a job back to pending.
 * A lease is a random token plus an expiry; only a request that presents the live token may change the job.
 */
final class Leases {

    /** Oldest pending first; SKIP LOCKED so that workers leasing at once never wait for, or get, the same job. */
    private static final String LEASE = """
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
            RETURNING\s""" + JobRows.columns("j");

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
            RETURNING\s""" + JobRows.COLUMNS;

    /** A worker hands a job back untouched (it is shutting down): pending again, the attempt not counted. */
    private static final String HAND_BACK = """
            UPDATE jobs
               SET status = 'pending', attempt = attempt - 1, lease_token = NULL, lease_expires_at = NULL,
                   worker_id = NULL, progress = 0, available_at = now()
             WHERE id = $1 AND lease_token = $2 AND status = 'processing' AND NOT cancel_requested
            RETURNING id""";

    /** Leases that expired with attempts left go back to pending (the next lease counts attempt + 1). */
    private static final String RESCUE = """
            WITH expired AS (
                SELECT id FROM jobs
                 WHERE status = 'processing' AND lease_expires_at < now() AND attempt < $1
                 ORDER BY lease_expires_at
                 LIMIT 100
                   FOR UPDATE SKIP LOCKED
            )
            UPDATE jobs j
               SET status = 'pending', lease_token = NULL, lease_expires_at = NULL, worker_id = NULL, progress = 0,
                   available_at = now(),
                   last_error = '{"type": "api_error", "message": "The lease expired without a heartbeat"}'
              FROM expired
             WHERE j.id = expired.id AND j.status = 'processing'
            RETURNING j.id""";

    private Leases() {
    }

    static Uni<List<Row>> lease(SqlClient sql, String workerId, int maxJobs, int leaseSeconds, List<String> types,
                                List<String> models) {
        Tuple params = Tuple.of(maxJobs, types == null ? null : types.toArray(String[]::new),
                models == null ? null : models.toArray(String[]::new), workerId, leaseSeconds);
        return sql.preparedQuery(LEASE).execute(params).map(Leases::all);
    }

    static Uni<Row> heartbeat(SqlClient sql, UUID jobId, UUID token, Integer progress) {
        return sql.preparedQuery(HEARTBEAT).execute(Tuple.of(jobId, token, progress)).map(Leases::first);
    }

    static Uni<Row> requeue(SqlClient sql, UUID jobId, UUID token, int maxAttempts, Map<String, Object> error,
                            Duration backoff, Duration backoffMax) {
        return sql.preparedQuery(REQUEUE).execute(Tuple.of(jobId, token, maxAttempts, new JsonObject(error),
                        backoff.toMillis() / 1000.0, backoffMax.toMillis() / 1000.0))
                .map(Leases::first);
    }

    static Uni<Boolean> handBack(SqlClient sql, UUID jobId, UUID token) {
        return sql.preparedQuery(HAND_BACK).execute(Tuple.of(jobId, token)).map(rows -> rows.rowCount() == 1);
    }

    static Uni<Integer> rescue(SqlClient sql, int maxAttempts) {
        return sql.preparedQuery(RESCUE).execute(Tuple.of(maxAttempts)).map(RowSet::rowCount);
    }

    private static List<Row> all(RowSet<Row> rows) {
        List<Row> list = new ArrayList<>();
        rows.forEach(list::add);
        return list;
    }

    private static Row first(RowSet<Row> rows) {
        var it = rows.iterator();
        return it.hasNext() ? it.next() : null;
    }
}
