package io.vidgate.jobs;

import io.quarkus.runtime.annotations.RegisterForReflection;
import io.vidgate.http.Times;
import io.vidgate.lifecycle.JobRow;
import io.vidgate.lifecycle.JobStatus;
import io.vidgate.results.ResultLinks;

import java.util.Map;
import java.util.UUID;

/** The job object of docs/api.md 2.2. */
@RegisterForReflection
public record JobView(UUID id, String type, String status, String model, int duration, String resolution, int fps,
                      boolean generateAudio, String createdAt, String startedAt, String completedAt, int progress,
                      Map<String, Object> result, Map<String, Object> error, Credits credits) {

    public record Credits(long estimated, long reserved, long charged, long refunded) {
    }

    /**
     * The job as every read shows it. {@code results} turns a result stored by vidgate into a freshly signed URL
     * (api.md 4.5); there is deliberately no variant without it, so no path can hand out a storage_uri.
     */
    public static JobView of(JobRow job, ResultLinks results) {
        return new JobView(job.id(), job.type(), job.status(), job.model(), job.duration(), job.resolution(), job.fps(),
                job.generateAudio(), Times.format(job.createdAt()), Times.format(job.startedAt()),
                Times.format(job.completedAt()), job.progress(), results.present(job), job.error(),
                new Credits(job.creditsEstimated(), job.creditsReserved(), job.creditsCharged(), job.creditsRefunded()));
    }

    /** The job exactly as the create response showed it: what an idempotent replay answers. */
    public static JobView asCreated(JobRow job) {
        return new JobView(job.id(), job.type(), JobStatus.PENDING.wire, job.model(), job.duration(), job.resolution(),
                job.fps(), job.generateAudio(), Times.format(job.createdAt()), null, null, 0, null, null,
                new Credits(job.creditsEstimated(), job.creditsEstimated(), 0, 0));
    }

    public String location() {
        return "/v2/" + type + "/" + id;
    }
}
