package io.vidgate.workers;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vidgate.config.VidgateConfig;
import io.vidgate.jobs.Holds;
import io.vidgate.jobs.JobStatus;
import io.vidgate.metrics.JobMetrics;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.util.Map;
import java.util.function.Supplier;

/**
 * Makes sure no job and no hold stays active forever. Runs on every pod at once: each job is claimed with
 * FOR UPDATE SKIP LOCKED and ended by a statement that re-checks its state, so two sweepers never end the same
 * hold twice (and the ledger's unique index would refuse it if they tried).
 * <ul>
 *     <li>rescue: an expired lease with attempts left goes back to pending;</li>
 *     <li>give up: an expired lease on the last attempt fails the job and releases its hold;</li>
 *     <li>expire: a job older than VIDGATE_JOBS_MAX_AGE fails and its hold is released as expired;</li>
 *     <li>forget: Idempotency-Keys older than their retention are deleted (a later request with one is new).</li>
 * </ul>
 */
@ApplicationScoped
public class Sweepers {

    /** Jobs one sweep ends at most, per kind, so that one sweep stays short. */
    static final int MAX_PER_SWEEP = 200;
    private static final Logger LOG = Logger.getLogger(Sweepers.class);

    private final Pool pool;
    private final VidgateConfig config;
    private final JobMetrics metrics;

    Sweepers(Pool pool, VidgateConfig config, JobMetrics metrics) {
        this.pool = pool;
        this.config = config;
        this.metrics = metrics;
    }

    @Scheduled(every = "${vidgate.jobs.sweep-interval}", delayed = "5s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> sweep() {
        return sweepOnce()
                .onFailure().invoke(e -> LOG.warnf("sweep failed, will run again: %s", e.toString()))
                .onFailure().recoverWithNull()
                .replaceWithVoid();
    }

    /** One pass of every sweeper; the number of jobs it changed. */
    public Uni<Integer> sweepOnce() {
        int maxAttempts = config.jobs().maxAttempts();
        Map<String, Object> gaveUp = Map.of("type", "api_error",
                "message", "The job's worker stopped responding on its last attempt (" + maxAttempts + ")");
        Map<String, Object> expired = Map.of("type", "api_error",
                "message", "The job did not finish within its maximum age of " + config.jobs().maxAge());
        return Leases.rescue(pool, maxAttempts)
                .invoke(metrics::rescued)
                .flatMap(rescued -> endEach(() -> Holds.release(pool, Holds.EXPIRED_LEASE_ON_LAST_ATTEMPT,
                                JobStatus.FAILED.wire, gaveUp, "Hold released: job failed, its lease expired on the last attempt",
                                maxAttempts), false)
                        .flatMap(failed -> endEach(() -> Holds.release(pool, Holds.PAST_DEADLINE, JobStatus.FAILED.wire,
                                expired, "Hold expired: job exceeded its maximum age of " + config.jobs().maxAge()), true)
                                .map(ended -> rescued + failed + ended)))
                .call(this::forgetIdempotencyKeys);
    }

    private Uni<Integer> forgetIdempotencyKeys() {
        return pool.preparedQuery("""
                        DELETE FROM idempotency_keys WHERE ctid IN (
                            SELECT ctid FROM idempotency_keys WHERE created_at < now() - make_interval(secs => $1)
                             LIMIT 1000)""")
                .execute(io.vertx.mutiny.sqlclient.Tuple.of(config.jobs().idempotencyRetention().toSeconds()))
                .map(io.vertx.mutiny.sqlclient.RowSet::rowCount);
    }

    /** Runs {@code endOne} until it finds nothing more to end, at most {@link #MAX_PER_SWEEP} times. */
    private Uni<Integer> endEach(Supplier<Uni<Row>> endOne, boolean expiredHold) {
        return endEach(endOne, expiredHold, 0);
    }

    private Uni<Integer> endEach(Supplier<Uni<Row>> endOne, boolean expiredHold, int ended) {
        if (ended >= MAX_PER_SWEEP) {
            return Uni.createFrom().item(ended);
        }
        return endOne.get().flatMap(row -> {
            if (row == null) {
                return Uni.createFrom().item(ended);
            }
            metrics.released(row.getString("status"), row.getLong("credits_refunded"), expiredHold);
            return endEach(endOne, expiredHold, ended + 1);
        });
    }
}
