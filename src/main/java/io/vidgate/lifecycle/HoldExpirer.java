package io.vidgate.lifecycle;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vidgate.config.VidgateConfig;
import io.vidgate.metrics.JobMetrics;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.util.Map;

/**
 * Makes sure no hold stays active forever (docs/design.md, invariant 3): a job still pending or processing past its
 * maximum age (VIDGATE_JOBS_MAX_AGE) fails and its hold is released as expired, one job per statement, claimed with
 * SKIP LOCKED so that the agents of several pods never end the same hold twice.
 */
@ApplicationScoped
public class HoldExpirer {

    private final Pool pool;
    private final VidgateConfig config;
    private final JobMetrics metrics;

    HoldExpirer(Pool pool, VidgateConfig config, JobMetrics metrics) {
        this.pool = pool;
        this.config = config;
        this.metrics = metrics;
    }

    @Scheduled(every = "${vidgate.jobs.sweep-interval}", delayed = "5s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduled() {
        return Agents.logged("hold expiry", runOnce());
    }

    /** How many jobs expired. */
    public Uni<Integer> runOnce() {
        Duration maxAge = config.jobs().maxAge();
        Map<String, Object> error = Map.of("type", "api_error",
                "message", "The job did not finish within its maximum age of " + maxAge);
        return Agents.endEach(() -> JobStatements.releaseExpired(pool, maxAge, error),
                job -> metrics.released(job.status(), job.creditsRefunded(), true));
    }
}
