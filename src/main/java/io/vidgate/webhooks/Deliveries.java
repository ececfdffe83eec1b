package io.vidgate.webhooks;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vidgate.lifecycle.JobRow;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** The outbox statements: claim due deliveries, and record the outcome of an attempt. */
final class Deliveries {

    /** A claimed delivery: what to send, where, and with which secret. */
    record Due(UUID id, String url, JobRow job, String secret) {
    }

    /** Claims due deliveries by moving their next attempt past the request timeout, so no other pod takes them. */
    private static final String CLAIM = """
            WITH due AS (
                SELECT id FROM webhook_deliveries
                 WHERE status = 'pending' AND next_attempt_at <= now()
                 ORDER BY next_attempt_at
                 LIMIT $1
                   FOR UPDATE SKIP LOCKED
            ), claimed AS (
                UPDATE webhook_deliveries d SET next_attempt_at = now() + make_interval(secs => $2)
                  FROM due WHERE d.id = due.id
             RETURNING d.id AS delivery_id, d.url, d.job_id, d.account_id
            )
            SELECT claimed.delivery_id, claimed.url, a.webhook_secret,\s""" + JobRow.columns("j")
            + " FROM claimed JOIN jobs j ON j.id = claimed.job_id JOIN accounts a ON a.id = claimed.account_id";

    /** Logs the attempt and moves the delivery on: delivered, failed for good (too old), or retried later. */
    private static final String RECORD = """
            WITH attempt AS (
                INSERT INTO webhook_attempts (delivery_id, status_code, error, duration_ms) VALUES ($1, $2, $3, $4)
            )
            UPDATE webhook_deliveries
               SET attempts = attempts + 1,
                   status = CASE WHEN $5 THEN 'delivered'
                                 WHEN created_at + make_interval(secs => $6) < now() THEN 'failed'
                                 ELSE 'pending' END,
                   delivered_at = CASE WHEN $5 THEN now() END,
                   next_attempt_at = now() + make_interval(secs => least($7 * power(2, attempts), $8))
             WHERE id = $1 AND status = 'pending'""";

    private Deliveries() {
    }

    static Uni<List<Due>> claim(SqlClient sql, int max, Duration claimFor) {
        return sql.preparedQuery(CLAIM).execute(Tuple.of(max, claimFor.toSeconds())).map(rows -> {
            List<Due> due = new ArrayList<>();
            for (Row row : rows) {
                due.add(new Due(row.getUUID("delivery_id"), row.getString("url"), JobRow.of(row),
                        row.getString("webhook_secret")));
            }
            return due;
        });
    }

    static Uni<Void> record(SqlClient sql, UUID deliveryId, Integer statusCode, String error, long durationMillis,
                            boolean delivered, Duration giveUpAfter, Duration backoff, Duration maxBackoff) {
        Tuple params = Tuple.tuple()
                .addUUID(deliveryId)
                .addInteger(statusCode)
                .addString(error == null ? null : error.length() > 500 ? error.substring(0, 500) : error)
                .addInteger((int) Math.min(Integer.MAX_VALUE, durationMillis))
                .addBoolean(delivered)
                .addDouble(giveUpAfter.toMillis() / 1000.0)
                .addDouble(backoff.toMillis() / 1000.0)
                .addDouble(maxBackoff.toMillis() / 1000.0);
        return sql.preparedQuery(RECORD).execute(params).replaceWithVoid();
    }
}
