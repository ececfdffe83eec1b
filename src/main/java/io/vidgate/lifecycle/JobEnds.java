package io.vidgate.lifecycle;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.pgclient.pubsub.PgSubscriber;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.pgclient.PgConnectOptions;
import io.vidgate.db.BoundedPool;
import io.vidgate.db.DatabaseGuard;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Waiting for a job to end without a thread and without polling: every statement that ends a job sends a
 * notification on {@link #CHANNEL} (payload: the job id) in the transaction that ends it, and each pod LISTENs on one
 * connection of its own. A notification for a job that someone on this pod waits for is followed by one read of that
 * job; nothing else touches the database while requests wait. A notification sent while the listening connection
 * was down is lost, so after every (re)connect, and every {@code vidgate.sync.recheck-interval} as a safety net, the
 * pod reads all the jobs it waits for in one statement.
 */
@ApplicationScoped
public class JobEnds {

    /** The PostgreSQL notification channel of job ends. */
    public static final String CHANNEL = "vidgate_job_ended";
    /** Delay between attempts to re-establish the listening connection. */
    private static final long RECONNECT_DELAY_MS = 1000;
    private static final Logger LOG = Logger.getLogger(JobEnds.class);

    private final Map<UUID, Set<UniEmitter<? super JobRow>>> waiting = new ConcurrentHashMap<>();
    private final Pool pool;
    private final BoundedPool pools;
    private final DatabaseGuard database;
    private final Vertx vertx;
    private volatile PgSubscriber subscriber;

    JobEnds(Pool pool, BoundedPool pools, DatabaseGuard database, Vertx vertx) {
        this.pool = pool;
        this.pools = pools;
        this.database = database;
        this.vertx = vertx;
    }

    void listen(@Observes StartupEvent event) {
        pool.getConnection().flatMap(connection -> connection.close()) // the pool exists, so its options are known
                .subscribe().with(done -> subscribe(), failure -> {
                    LOG.warnf("job-end listener waits for the database: %s", failure.toString());
                    subscribe();
                });
    }

    /** Starts listening (package-private: the tests stop and restart the listener). */
    void subscribe() {
        PgConnectOptions options = PgConnectOptions.wrap(pools.connectOptions().get(0));
        PgSubscriber listener = PgSubscriber.subscriber(vertx, options);
        listener.reconnectPolicy(retries -> RECONNECT_DELAY_MS);
        listener.channel(CHANNEL)
                .handler(this::ended)
                .subscribeHandler(this::recheckAll);
        listener.closeHandler(() -> {
            if (subscriber != null) { // not closed on purpose
                LOG.warn("job-end listener lost its connection; reconnecting");
            }
        });
        subscriber = listener;
        listener.connect().subscribe().with(done -> { }, failure -> LOG.warnf(
                "job-end listener could not connect, retrying: %s", failure.toString()));
    }

    void stop(@Observes ShutdownEvent event) {
        close();
    }

    /** Stops listening, for good (package-private: the tests stop and restart the listener). */
    void close() {
        PgSubscriber listener = subscriber;
        subscriber = null;
        if (listener != null) {
            listener.close().await().atMost(java.time.Duration.ofSeconds(5));
        }
    }

    /**
     * The job once it has ended (completed, failed or cancelled). Never fails on its own and never times out: the
     * caller bounds the wait; cancelling the subscription (a timeout, a client gone) stops waiting.
     */
    public Uni<JobRow> awaitEnd(UUID jobId) {
        return Uni.createFrom().emitter(emitter -> {
            // Added under the map's lock of the key: either before wake() removes the set (and wake completes it) or
            // into a new set (and the check below completes it); never into a set wake() has already taken.
            waiting.compute(jobId, (id, emitters) -> {
                Set<UniEmitter<? super JobRow>> set = emitters == null ? ConcurrentHashMap.newKeySet() : emitters;
                set.add(emitter);
                return set;
            });
            emitter.onTermination(() -> forget(jobId, emitter));
            check(List.of(jobId)); // it may have ended before this waiter was registered
        });
    }

    /** How many requests of this pod wait for a job to end. */
    public int waiters() {
        return waiting.values().stream().mapToInt(Set::size).sum();
    }

    @Scheduled(every = "${vidgate.sync.recheck-interval}", delayed = "${vidgate.sync.recheck-interval}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void recheckAll() {
        if (!waiting.isEmpty()) {
            check(new ArrayList<>(waiting.keySet()));
        }
    }

    private void ended(String payload) {
        UUID jobId;
        try {
            jobId = UUID.fromString(payload);
        } catch (IllegalArgumentException e) {
            return; // not ours: someone else NOTIFYing on the channel
        }
        if (waiting.containsKey(jobId)) {
            check(List.of(jobId));
        }
    }

    private void check(List<UUID> jobIds) {
        database.call(() -> JobReads.endedAmong(pool, jobIds))
                .subscribe().with(jobs -> jobs.forEach(this::wake),
                        failure -> LOG.debugf("re-reading waited-for jobs failed, the next check retries: %s", failure));
    }

    private void wake(JobRow job) {
        Set<UniEmitter<? super JobRow>> emitters = waiting.remove(job.id());
        if (emitters != null) {
            emitters.forEach(emitter -> emitter.complete(job));
        }
    }

    private void forget(UUID jobId, UniEmitter<? super JobRow> emitter) {
        waiting.computeIfPresent(jobId, (id, emitters) -> {
            emitters.remove(emitter);
            return emitters.isEmpty() ? null : emitters;
        });
    }
}
