package io.vidgate.lifecycle;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vidgate.config.VidgateConfig;
import io.vidgate.metrics.JobMetrics;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Puts jobs whose lease expired without a heartbeat, with attempts left, back to pending (the worker died or lost
 * its network). Runs on every pod at once: the statement claims its jobs with SKIP LOCKED.
 */
@ApplicationScoped
public class LeaseRescuer {

    /** Jobs one run rescues at most, so that one run stays short. */
    static final int MAX_PER_RUN = 100;

    private final Pool pool;
    private final VidgateConfig config;
    private final JobMetrics metrics;

    LeaseRescuer(Pool pool, VidgateConfig config, JobMetrics metrics) {
        this.pool = pool;
        this.config = config;
        this.metrics = metrics;
    }

    @Scheduled(every = "${vidgate.jobs.sweep-interval}", delayed = "5s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduled() {
        return Agents.logged("lease rescue", runOnce());
    }

    /** How many jobs went back to pending. */
    public Uni<Integer> runOnce() {
        return JobStatements.rescueExpiredLeases(pool, config.jobs().maxAttempts(), MAX_PER_RUN)
                .invoke(metrics::rescued);
    }
}
