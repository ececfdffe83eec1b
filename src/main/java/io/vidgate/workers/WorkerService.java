package io.vidgate.workers;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vidgate.config.VidgateConfig;
import io.vidgate.db.DatabaseGuard;
import io.vidgate.http.Errors;
import io.vidgate.http.Times;
import io.vidgate.jobs.JobView;
import io.vidgate.lifecycle.JobReads;
import io.vidgate.lifecycle.JobRow;
import io.vidgate.lifecycle.JobStatements;
import io.vidgate.lifecycle.JobStatus;
import io.vidgate.metrics.JobMetrics;
import io.vidgate.media.MediaUris;
import io.vidgate.results.ResultLinks;
import io.vidgate.results.ResultService;
import io.vidgate.uploads.UploadTicket;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The worker side of a job (docs/api.md 4): lease, heartbeat, result upload, complete, fail. Used by the worker API and, through the
 * same methods, by the in-process simulator. Every change requires the live lease token; anything else is a 409
 * that changes nothing.
 */
@ApplicationScoped
public class WorkerService {

    /**
     * Inputs that may hold inline media or an upload; workers get a URL on this service instead of the data URI
     * or the vidgate://uploads/ URI.
     */
    static final List<String> MEDIA_INPUTS = List.of("image_uri", "last_frame_uri", "audio_uri", "video_uri");

    private final Pool pool;
    private final DatabaseGuard database;
    private final VidgateConfig config;
    private final JobMetrics metrics;
    private final ResultService results;
    private final ResultLinks links;

    WorkerService(Pool pool, DatabaseGuard database, VidgateConfig config, JobMetrics metrics, ResultService results,
                  ResultLinks links) {
        this.results = results;
        this.links = links;
        this.pool = pool;
        this.database = database;
        this.config = config;
        this.metrics = metrics;
    }

    public Uni<List<LeasedJob>> lease(LeaseRequest request) {
        return database.call(() -> JobStatements.leaseAvailable(pool, request.workerId(), request.maxJobs(),
                        request.leaseSeconds(), request.types(), request.models()))
                .map(jobs -> jobs.stream()
                        .sorted(Comparator.comparingLong(JobRow::seq))
                        .map(this::leased)
                        .toList());
    }

    private LeasedJob leased(JobRow job) {
        Map<String, Object> inputs = new LinkedHashMap<>(job.inputs());
        for (String field : MEDIA_INPUTS) {
            if (inputs.get(field) instanceof String uri && uri.startsWith("data:")) {
                inputs.put(field, config.publicUrl() + "/internal/jobs/" + job.id() + "/inputs/" + field);
            } else if (inputs.get(field) instanceof String uri && MediaUris.isStorageUri(uri)) {
                inputs.put(field, config.publicUrl() + "/internal/uploads/" + uri.substring(uri.lastIndexOf('/') + 1));
            }
        }
        return new LeasedJob(JobView.of(job, links), inputs,
                new LeasedJob.Lease(job.leaseToken().toString(), Times.format(job.leaseExpiresAt())), job.attempt());
    }

    public Uni<HeartbeatView> heartbeat(UUID jobId, String token, Integer progress) {
        if (progress != null && (progress < 0 || progress > 100)) {
            throw new Errors.InvalidRequest("progress must be between 0 and 100");
        }
        UUID lease = leaseToken(token);
        return database.call(() -> JobStatements.heartbeat(pool, jobId, lease, progress))
                .flatMap(beat -> beat != null
                        ? Uni.createFrom().item(new HeartbeatView(Times.format(beat.leaseExpiresAt()),
                                beat.cancelRequested()))
                        : lostLease(jobId));
    }

    /**
     * Completes the job with {@code videoUrl}: a worker's own http(s) URL, or the storage_uri of a result upload of
     * this job (then, in the same transaction, the upload is checked (400 naming video_url, and nothing changes) and
     * kept until the result expires). The lease is checked first: a stale lease is a 409 whatever the URL.
     */
    public Uni<JobView> complete(UUID jobId, String token, String videoUrl) {
        UUID lease = leaseToken(token);
        Map<String, Object> result = Map.of("video_url", videoUrl);
        Uni<JobRow> completed = ResultService.isStorageUri(videoUrl)
                ? database.call(() -> pool.withTransaction(tx -> JobStatements.captureByLease(tx, jobId, lease, result)
                        .call(job -> job == null ? Uni.createFrom().nullItem() : results.attach(tx, jobId, videoUrl))))
                : database.call(() -> JobStatements.captureByLease(pool, jobId, lease, result));
        return completed
                .flatMap(job -> {
                    if (job == null) {
                        return lostLease(jobId);
                    }
                    metrics.captured(job.creditsCharged());
                    return Uni.createFrom().item(JobView.of(job, links));
                });
    }

    /**
     * POST /internal/jobs/{id}/result-upload: a signed upload for the job's video, for the live lease only (404 for
     * an unknown job, 409 for any other token, as every worker route).
     */
    public Uni<UploadTicket> resultUpload(UUID jobId, String token, String contentType) {
        UUID lease = leaseToken(token);
        return results.createUpload(jobId, lease, contentType)
                .flatMap(ticket -> ticket.isPresent() ? Uni.createFrom().item(ticket.get()) : lostLease(jobId));
    }

    /** Retryable with attempts left: back to pending after a backoff. Otherwise: failed, hold released. */
    public Uni<JobView> fail(UUID jobId, String token, Map<String, Object> error, boolean retryable) {
        UUID lease = leaseToken(token);
        Uni<JobRow> requeued = retryable
                ? database.call(() -> JobStatements.requeue(pool, jobId, lease, config.jobs().maxAttempts(), error,
                        config.jobs().retryBackoff(), config.jobs().retryBackoffMax()))
                : Uni.createFrom().nullItem();
        return requeued.flatMap(job -> job != null
                ? Uni.createFrom().item(JobView.of(job, links))
                : database.call(() -> JobStatements.releaseByLease(pool, jobId, lease, error))
                        .flatMap(failed -> {
                            if (failed == null) {
                                return lostLease(jobId);
                            }
                            metrics.released(failed.status(), failed.creditsRefunded(), false);
                            return Uni.createFrom().item(JobView.of(failed, links));
                        }));
    }

    /** Gives a leased job back to the queue without using up an attempt (a worker that is shutting down). */
    public Uni<Boolean> handBack(UUID jobId, String token) {
        UUID lease = leaseToken(token);
        return database.call(() -> JobStatements.handBack(pool, jobId, lease));
    }

    /** The bytes of an inline input (a data URI given at create), for the worker that runs the job. */
    public Uni<InlineMedia> input(UUID jobId, String field) {
        if (!MEDIA_INPUTS.contains(field)) {
            throw Errors.NotFound.route();
        }
        return database.call(() -> JobReads.inputs(pool, jobId)).map(inputs -> {
            if (inputs == null) {
                throw Errors.NotFound.job();
            }
            if (!(inputs.get(field) instanceof String uri) || !uri.startsWith("data:")) {
                throw new Errors.NotFound("This job has no inline " + field);
            }
            return InlineMedia.of(uri);
        });
    }

    /** Why a lease-guarded change matched no row: the job is unknown (404) or the lease is not live (409). */
    private <T> Uni<T> lostLease(UUID jobId) {
        return database.call(() -> JobReads.status(pool, jobId)).map(status -> {
            if (status == null) {
                throw Errors.NotFound.job();
            }
            throw new Errors.Conflict(JobStatus.CANCELLED.wire.equals(status)
                    ? "Job was cancelled; stop working on it"
                    : "Lease token is not the live lease of this job (job is " + status + ")");
        });
    }

    private static UUID leaseToken(String token) {
        try {
            return UUID.fromString(token);
        } catch (IllegalArgumentException e) {
            throw new Errors.Conflict("Lease token is not the live lease of this job");
        }
    }
}
