package io.vidgate.jobs;

import io.smallrye.mutiny.Uni;
import io.vidgate.config.VidgateConfig;
import io.vidgate.http.Errors;
import io.vidgate.lifecycle.JobEnds;
import io.vidgate.lifecycle.JobRow;
import io.vidgate.lifecycle.JobStatus;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

/**
 * The wait of a synchronous (/v1) call for its job (docs/api.md 2.14): no thread and no polling, woken by the job-end
 * notification ({@link JobEnds}), bounded by {@code vidgate.sync.max-wait}. Giving up waiting (504, or a client that
 * went away) does not cancel the job: it goes on and is billed as any job, and its result is on the v2 API.
 */
@ApplicationScoped
public class SyncJobs {

    private final JobEnds ends;
    private final Duration maxWait;

    SyncJobs(JobEnds ends, VidgateConfig config) {
        this.ends = ends;
        this.maxWait = config.sync().maxWait();
    }

    /** The job once it completed; a failed or cancelled job, or one still running after the wait, is the error. */
    public Uni<JobRow> completed(UUID jobId) {
        return ends.awaitEnd(jobId)
                .ifNoItem().after(maxWait).failWith(() -> new Errors.SyncTimeout("Job " + jobId
                        + " did not finish within " + seconds(maxWait) + " s; it goes on: GET /v2/jobs/" + jobId))
                .map(SyncJobs::completedOrRefused);
    }

    private static JobRow completedOrRefused(JobRow job) {
        if (JobStatus.COMPLETED.wire.equals(job.status())) {
            return job;
        }
        if (JobStatus.CANCELLED.wire.equals(job.status())) {
            throw new Errors.JobDidNotComplete("conflict_error", "Job " + job.id() + " was cancelled");
        }
        Map<String, Object> error = job.error() == null ? Map.of() : job.error();
        Object type = error.getOrDefault("type", "api_error");
        Object message = error.getOrDefault("message", "The job failed");
        throw new Errors.JobDidNotComplete(String.valueOf(type), "Job " + job.id() + " failed: " + message);
    }

    private static long seconds(Duration duration) {
        return Math.max(1, duration.toSeconds());
    }
}
