package io.vidgate.idempotency;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vidgate.config.VidgateConfig;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/**
 * Deletes Idempotency-Keys older than their retention (VIDGATE_JOBS_IDEMPOTENCY_RETENTION, 24 h): a later request
 * with such a key is a new request. At most {@link IdempotencyRecords#FORGET_BATCH} keys per run, so a run stays short.
 */
@ApplicationScoped
public class IdempotencyKeyForgetter {

    private static final Logger LOG = Logger.getLogger(IdempotencyKeyForgetter.class);

    private final Pool pool;
    private final VidgateConfig config;

    IdempotencyKeyForgetter(Pool pool, VidgateConfig config) {
        this.pool = pool;
        this.config = config;
    }

    @Scheduled(every = "${vidgate.jobs.sweep-interval}", delayed = "5s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduled() {
        return runOnce()
                .onFailure().invoke(e -> LOG.warnf("forgetting idempotency keys failed, will run again: %s", e.toString()))
                .onFailure().recoverWithNull()
                .replaceWithVoid();
    }

    /** How many keys were forgotten. */
    public Uni<Integer> runOnce() {
        return IdempotencyRecords.forgetOlderThan(pool, config.jobs().idempotencyRetention());
    }
}
