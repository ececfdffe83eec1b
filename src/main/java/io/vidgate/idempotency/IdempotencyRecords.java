package io.vidgate.idempotency;

import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vidgate.http.Errors;

import java.security.MessageDigest;
import java.util.UUID;
import java.util.function.Function;

/**
 * Exactly one effect per idempotency key, also when two requests race on different pods: the first claims the
 * key by inserting its record inside the same transaction as its effect. A racing second insert waits on that
 * uncommitted row; when the first commits it finds the key taken and replays, when the first rolls back (402,
 * 429, timeout) it claims the key itself. Only successful effects are recorded, so a refused request may be
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

        /** A response with this outcome's body, marked {@code Idempotent-Replayed: true} when it is a replay. */
        public jakarta.ws.rs.core.Response.ResponseBuilder response(int status) {
            var response = jakarta.ws.rs.core.Response.status(status).entity(value);
            return replayed ? response.header("Idempotent-Replayed", "true") : response;
        }
    }

    private IdempotencyRecords() {
    }

    /**
     * Runs {@code effect} at most once per key: without a key it simply runs; with one it runs in a transaction
     * that first claims the key, and a later request with the key gets {@code replay} of the recorded effect id.
     */
    public static <T> Uni<Outcome<T>> once(Pool pool, UUID accountId, Scope scope, IdempotencyKey key, UUID effectId,
                                           Function<SqlClient, Uni<T>> effect, Function<UUID, Uni<T>> replay) {
        if (key == null) {
            return effect.apply(pool).map(value -> new Outcome<>(value, false));
        }
        return pool.withTransaction(tx -> claim(tx, accountId, scope, key, effectId)
                        .flatMap(claimed -> claimed ? effect.apply(tx) : Uni.createFrom().<T>failure(new KeyAlreadyUsed())))
                .map(value -> new Outcome<>(value, false))
                .onFailure(KeyAlreadyUsed.class).recoverWithUni(() -> earlierEffect(pool, accountId, scope, key)
                        .flatMap(id -> replay.apply(id))
                        .map(value -> new Outcome<>(value, true)));
    }

    /** Thrown inside the transaction to roll it back when the key was used before. */
    private static final class KeyAlreadyUsed extends RuntimeException {
        KeyAlreadyUsed() {
            super(null, null, false, false);
        }
    }

    /** True if this transaction now owns the key; false if another request already used it. */
    static Uni<Boolean> claim(SqlClient tx, UUID accountId, Scope scope, IdempotencyKey key, UUID effectId) {
        String sql = "INSERT INTO idempotency_keys (account_id, scope, key, request_hash, " + scope.effectColumn
                + ") VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING";
        return tx.preparedQuery(sql)
                .execute(Tuple.of(accountId, scope.wire, key.value(), Buffer.buffer(key.requestHash()), effectId))
                .map(rows -> rows.rowCount() == 1);
    }

    /** The id of the effect the key already produced; 400 if the key came with a different request. */
    static Uni<UUID> earlierEffect(SqlClient sql, UUID accountId, Scope scope, IdempotencyKey key) {
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
}
