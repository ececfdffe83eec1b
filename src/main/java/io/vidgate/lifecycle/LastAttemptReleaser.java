package io.vidgate.lifecycle;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vidgate.config.VidgateConfig;
import io.vidgate.metrics.JobMetrics;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Map;

/**
 * Fails the jobs whose lease expired on their last attempt (VIDGATE_JOBS_MAX_ATTEMPTS) and releases their holds, one
 * job per statement. Runs on every pod at once: each job is claimed with SKIP LOCKED and ended by a statement that
 * re-checks its state, so two pods never end the same hold twice.
 */
@ApplicationScoped
public class LastAttemptReleaser {

    private final Pool pool;
    private final VidgateConfig config;
    private final JobMetrics metrics;

    LastAttemptReleaser(Pool pool, VidgateConfig config, JobMetrics metrics) {
        this.pool = pool;
        this.config = config;
        this.metrics = metrics;
    }

    @Scheduled(every = "${vidgate.jobs.sweep-interval}", delayed = "5s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduled() {
        return Agents.logged("last-attempt release", runOnce());
    }

    /** How many jobs failed. */
    public Uni<Integer> runOnce() {
        int maxAttempts = config.jobs().maxAttempts();
        Map<String, Object> error = Map.of("type", "api_error",
                "message", "The job's worker stopped responding on its last attempt (" + maxAttempts + ")");
        return Agents.endEach(() -> JobStatements.releaseLastAttempt(pool, maxAttempts, error),
                job -> metrics.released(job.status(), job.creditsRefunded(), false));
    }
}
