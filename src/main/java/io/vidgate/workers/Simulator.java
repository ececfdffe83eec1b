package io.vidgate.workers;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vidgate.config.VidgateConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vidgate.results.ResultService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The simulated GPU worker (VIDGATE_SIMULATOR_ENABLED): takes leases, heartbeats with rising progress, and after
 * VIDGATE_SIMULATOR_DELAY uploads a small playable MP4 (the bytes of /samples/vidgate-sample.mp4) as the job's
 * result and completes the job with its storage_uri, as a real worker does (docs/api.md 4.5). It goes through the
 * same {@link WorkerService} methods as the worker API, so it obeys the same lease rules: it stops a job at the first
 * heartbeat that says cancel_requested, and a lost lease (409) simply drops the job. The bytes are stored
 * in-process ({@link ResultService#store}: the PUT route's claim, storage writer and "stored" mark) rather than
 * PUT over HTTP to its own public URL, which a pod cannot always reach (an Ingress host, TLS in front).
 */
@ApplicationScoped
public class Simulator {

    static final String VIDEO_PATH = "/samples/vidgate-sample.mp4";
    private static final String VIDEO_RESOURCE = "META-INF/resources" + VIDEO_PATH;
    static final int LEASE_SECONDS = 30;
    private static final Logger LOG = Logger.getLogger(Simulator.class);

    private record Work(UUID jobId, String token, long startedNanos) {
    }

    private final WorkerService workers;
    private final ResultService results;
    private final VidgateConfig config;
    private volatile byte[] video;
    private final String workerId = "simulator-" + UUID.randomUUID().toString().substring(0, 8);
    private final Map<UUID, Work> inFlight = new ConcurrentHashMap<>();
    private volatile boolean stopping;

    Simulator(WorkerService workers, ResultService results, VidgateConfig config) {
        this.workers = workers;
        this.results = results;
        this.config = config;
    }

    @Scheduled(every = "1s", delayed = "5s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> tick() {
        if (!config.simulator().enabled() || stopping) {
            return Uni.createFrom().voidItem();
        }
        List<Uni<Void>> steps = new ArrayList<>();
        inFlight.values().forEach(work -> steps.add(advance(work)));
        int free = config.simulator().slots() - inFlight.size();
        if (free > 0) {
            steps.add(leaseMore(free));
        }
        return Uni.join().all(steps).andCollectFailures().replaceWithVoid()
                .onFailure().invoke(e -> LOG.debugf("simulator step failed: %s", e.toString()))
                .onFailure().recoverWithNull();
    }

    /** Reads the sample video once, at start-up (off the event loop). */
    void loadVideo(@Observes StartupEvent event) {
        if (config.simulator().enabled()) {
            video();
        }
    }

    private byte[] video() {
        byte[] bytes = video;
        if (bytes == null) {
            try (InputStream in = Thread.currentThread().getContextClassLoader().getResourceAsStream(VIDEO_RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException(VIDEO_RESOURCE + " is missing");
                }
                bytes = in.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            video = bytes;
        }
        return bytes;
    }

    /** Graceful shutdown: the jobs this pod is working on go straight back to the queue for another worker. */
    void handBackOnShutdown(@Observes ShutdownEvent event) {
        stopping = true;
        inFlight.values().forEach(work -> {
            try {
                workers.handBack(work.jobId(), work.token()).await().atMost(Duration.ofSeconds(2));
            } catch (RuntimeException e) {
                LOG.warnf("could not hand back job %s; its lease will expire and the sweepers rescue it", work.jobId());
            }
        });
        inFlight.clear();
    }

    private Uni<Void> leaseMore(int free) {
        return workers.lease(new LeaseRequest(workerId, Math.min(free, 32), LEASE_SECONDS, null, null))
                .invoke(leased -> leased.forEach(job -> inFlight.put(job.job().id(),
                        new Work(job.job().id(), job.lease().token(), System.nanoTime()))))
                .replaceWithVoid();
    }

    private Uni<Void> advance(Work work) {
        Duration elapsed = Duration.ofNanos(System.nanoTime() - work.startedNanos());
        Duration delay = config.simulator().delay();
        if (elapsed.compareTo(delay) >= 0) {
            return workers.resultUpload(work.jobId(), work.token(), "video/mp4")
                    .call(ticket -> results.store(ticket.storageUri(), video()))
                    .flatMap(ticket -> workers.complete(work.jobId(), work.token(), ticket.storageUri()))
                    .eventually(() -> inFlight.remove(work.jobId()))
                    .replaceWithVoid();
        }
        int progress = (int) Math.min(99, elapsed.toMillis() * 100 / Math.max(1, delay.toMillis()));
        return workers.heartbeat(work.jobId(), work.token(), progress)
                .invoke(beat -> {
                    if (beat.cancelRequested()) {
                        LOG.infof("simulator: job %s was cancelled, stopping", work.jobId());
                        inFlight.remove(work.jobId());
                    }
                })
                .onFailure().invoke(() -> inFlight.remove(work.jobId()))
                .replaceWithVoid();
    }
}
