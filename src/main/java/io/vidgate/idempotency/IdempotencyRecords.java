package io.vidgate.idempotency;

import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vidgate.http.Errors;

import java.security.MessageDigest;
import java.util.UUID;

/**
 * Exactly one effect per idempotency key, also when two requests race on different pods (docs/design.md,
 * invariant 4): the service that owns the effect's transaction first claims the key by inserting its record inside
 * it. A racing second insert waits on that uncommitted row; when the first commits it finds the key taken and
 * replays, when the first rolls back (402, 429, timeout) it claims the key itself. Only successful effects are recorded, so a refused request may be
 * retried with the same key.
 */
public final class IdempotencyRecords {

    public enum Scope {
        JOBS("jobs", "job_id"), CREDITS("credits", "ledger_entry_id");

        final String wire;
        final String effectColumn;

        Scope(String wire, String effectColumn) {
            this.wire = wire;
            this.effectColumn = effectColumn;
        }
    }

    /** An effect and whether it is a replay of an earlier request with the same key. */
    public record Outcome<T>(T value, boolean replayed) {

        public static <T> Outcome<T> fresh(T value) {
            return new Outcome<>(value, false);
        }

        public static <T> Outcome<T> replay(T value) {
            return new Outcome<>(value, true);
        }
    }

    /** Keys one run of {@link IdempotencyKeyForgetter} deletes at most. */
    static final int FORGET_BATCH = 1000;

    private static final String FORGET = """
            DELETE FROM idempotency_keys WHERE ctid IN (
                SELECT ctid FROM idempotency_keys WHERE created_at < now() - make_interval(secs => $1) LIMIT $2)""";

    private IdempotencyRecords() {
    }

    /**
     * True if this transaction now owns the key (and its effect must follow in the same transaction); false if another
     * request already used it. Waits for a racing request that inserted the key and has not committed yet. Without a
     * key (null) there is nothing to claim: true.
     */
    public static Uni<Boolean> claim(SqlClient tx, UUID accountId, Scope scope, IdempotencyKey key, UUID effectId) {
        if (key == null) {
            return Uni.createFrom().item(true);
        }
        String sql = "INSERT INTO idempotency_keys (account_id, scope, key, request_hash, " + scope.effectColumn
                + ") VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING";
        return tx.preparedQuery(sql)
                .execute(Tuple.of(accountId, scope.wire, key.value(), Buffer.buffer(key.requestHash()), effectId))
                .map(rows -> rows.rowCount() == 1);
    }

    /** The id of the effect the key already produced; 400 if the key came with a different request. */
    public static Uni<UUID> earlierEffect(SqlClient sql, UUID accountId, Scope scope, IdempotencyKey key) {
        String query = "SELECT request_hash, " + scope.effectColumn
                + " AS effect FROM idempotency_keys WHERE account_id = $1 AND scope = $2 AND key = $3";
        return sql.preparedQuery(query).execute(Tuple.of(accountId, scope.wire, key.value())).map(rows -> {
            var it = rows.iterator();
            if (!it.hasNext()) {
                // The first request rolled back after we saw its key: nothing exists; the client may retry.
                throw new Errors.Conflict("A request with this Idempotency-Key was still in progress; retry it");
            }
            Row row = it.next();
            if (!MessageDigest.isEqual(row.getBuffer("request_hash").getBytes(), key.requestHash())) {
                throw new Errors.InvalidRequest(
                        "Idempotency-Key was already used with a different request body");
            }
            return row.getUUID("effect");
        });
    }

    /** Deletes up to {@link #FORGET_BATCH} keys older than {@code retention}; how many. */
    static Uni<Integer> forgetOlderThan(SqlClient sql, java.time.Duration retention) {
        return sql.preparedQuery(FORGET).execute(Tuple.of(retention.toSeconds(), FORGET_BATCH)).map(RowSet::rowCount);
    }
}
