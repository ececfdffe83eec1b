package io.vidgate.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vidgate.ledger.Conservation;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Job and credit metrics on /q/metrics. Counters count events in this pod (Prometheus sums pods and gives
 * rates per minute with rate()); the queue gauges are read from the database, so every pod reports the same.
 */
@ApplicationScoped
public class JobMetrics {

    private static final String QUEUE = """
            SELECT status, count(*) AS jobs,
                   coalesce(extract(epoch FROM now() - min(started_at) FILTER (WHERE status = 'processing')), 0) AS age,
                   coalesce(extract(epoch FROM now() - min(created_at) FILTER (WHERE status = 'pending')), 0) AS wait
              FROM jobs WHERE status IN ('pending', 'processing') GROUP BY status""";

    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(JobMetrics.class);

    private final Pool pool;
    private final Counter completed;
    private final Counter failed;
    private final Counter cancelled;
    private final Counter rescued;
    private final Counter expired;
    private final Counter creditsReserved;
    private final Counter creditsCaptured;
    private final Counter creditsReleased;
    private final Counter webhookFailures;
    private final Counter webhookDeliveries;
    private final Map<String, AtomicLong> queueDepth = new ConcurrentHashMap<>();
    private final AtomicLong oldestLeaseSeconds = new AtomicLong();
    private final AtomicLong imbalancedAccounts = new AtomicLong();
    private final AtomicLong oldestPendingSeconds = new AtomicLong();

    JobMetrics(MeterRegistry registry, Pool pool) {
        this.pool = pool;
        completed = registry.counter("vidgate.jobs.completed");
        failed = registry.counter("vidgate.jobs.failed");
        cancelled = registry.counter("vidgate.jobs.cancelled");
        rescued = registry.counter("vidgate.jobs.rescued");
        expired = registry.counter("vidgate.jobs.expired");
        creditsReserved = registry.counter("vidgate.credits.reserved");
        creditsCaptured = registry.counter("vidgate.credits.captured");
        creditsReleased = registry.counter("vidgate.credits.released");
        webhookFailures = registry.counter("vidgate.webhooks.delivery.failures");
        webhookDeliveries = registry.counter("vidgate.webhooks.delivered");
        for (String status : new String[] {"pending", "processing"}) {
            AtomicLong depth = new AtomicLong();
            queueDepth.put(status, depth);
            Gauge.builder("vidgate.jobs.queue.depth", depth, AtomicLong::get).tag("status", status).register(registry);
        }
        Gauge.builder("vidgate.jobs.lease.oldest.age.seconds", oldestLeaseSeconds, AtomicLong::get).register(registry);
        Gauge.builder("vidgate.jobs.oldest.pending.age.seconds", oldestPendingSeconds, AtomicLong::get)
                .register(registry);
        Gauge.builder("vidgate.ledger.imbalanced.accounts", imbalancedAccounts, AtomicLong::get)
                .description("Accounts whose balance is not the sum of their ledger: must always be 0")
                .register(registry);
    }

    public void reserved(long credits) {
        creditsReserved.increment(credits);
    }

    public void captured(long credits) {
        completed.increment();
        creditsCaptured.increment(credits);
    }

    public void released(String status, long credits, boolean expiredHold) {
        creditsReleased.increment(credits);
        if (expiredHold) {
            expired.increment();
        }
        if ("cancelled".equals(status)) {
            cancelled.increment();
        } else {
            failed.increment();
        }
    }

    public void rescued(int jobs) {
        rescued.increment(jobs);
    }

    public void webhookAttempt(boolean delivered) {
        (delivered ? webhookDeliveries : webhookFailures).increment();
    }

    /** The conservation check of the whole ledger; a full scan, so it runs once a minute. */
    @Scheduled(every = "60s", delayed = "5s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> checkConservation() {
        return pool.query("SELECT count(*) AS accounts FROM (" + Conservation.ACCOUNTS_OUT_OF_BALANCE + ") imbalanced")
                .execute()
                .invoke(rows -> imbalancedAccounts.set(rows.iterator().next().getLong("accounts")))
                .onFailure().invoke(e -> LOG.warnf("could not run the conservation check: %s", e.toString()))
                .onFailure().recoverWithNull()
                .replaceWithVoid();
    }

    @Scheduled(every = "10s", delayed = "5s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> refreshQueue() {
        return pool.query(QUEUE).execute()
                .invoke(rows -> {
                    queueDepth.values().forEach(depth -> depth.set(0));
                    oldestLeaseSeconds.set(0);
                    oldestPendingSeconds.set(0);
                    rows.forEach(row -> {
                        queueDepth.get(row.getString("status")).set(row.getLong("jobs"));
                        if ("processing".equals(row.getString("status"))) {
                            oldestLeaseSeconds.set(row.getNumeric("age").longValue());
                        } else {
                            oldestPendingSeconds.set(row.getNumeric("wait").longValue());
                        }
                    });
                })
                .onFailure().invoke(e -> LOG.warnf("could not read the queue depth: %s", e.toString()))
                .onFailure().recoverWithNull()
                .replaceWithVoid();
    }
}
