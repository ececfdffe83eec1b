package io.vidgate.results;

import io.vidgate.config.VidgateConfig;
import io.vidgate.http.Times;
import io.vidgate.lifecycle.JobRow;
import io.vidgate.lifecycle.JobStatus;
import io.vidgate.uploads.UploadService;
import io.vidgate.uploads.UploadSignature;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * What a job's {@code result} shows (docs/api.md 2.2 and 4.5). A result stored by vidgate is kept in the row as its
 * storage_uri and shown as a signed URL on this service, {@code <public-url>/results/<job id>?expires=&signature=},
 * valid until the result expires ({@code completed_at} + {@code vidgate.results.retention}), with that time as
 * {@code result.expires_at}; once it has expired, {@code video_url} is null. The URL is signed on every read from
 * the row alone: one HMAC, no database round trip. A worker's own http(s) URL is shown as it was given.
 */
@ApplicationScoped
public class ResultLinks {

    /** The purpose under which {@link UploadSignature} signs result URLs (never valid as an upload signature). */
    static final String PURPOSE = "result";
    public static final String PATH_PREFIX = "/results/";

    private final UploadSignature signature;
    private final String publicUrl;
    private final Duration retention;
    private final Clock clock;

    @Inject
    ResultLinks(UploadSignature signature, VidgateConfig config) {
        this(signature, config.publicUrl(), config.results().retention(), Clock.systemUTC());
    }

    ResultLinks(UploadSignature signature, String publicUrl, Duration retention, Clock clock) {
        this.signature = signature;
        this.publicUrl = publicUrl;
        this.retention = retention;
        this.clock = clock;
    }

    /** The {@code result} object of the job view: null while the job has none. */
    public Map<String, Object> present(JobRow job) {
        Map<String, Object> result = job.result();
        if (result == null || !(result.get("video_url") instanceof String uri) || !UploadService.isStorageUri(uri)
                || job.completedAt() == null) {
            return result;
        }
        long expires = expiresAt(job).getEpochSecond();
        Map<String, Object> shown = new LinkedHashMap<>(result);
        shown.put("video_url", UploadSignature.expired(expires, clock.instant()) ? null : url(job.id(), expires));
        shown.put("expires_at", Times.format(Instant.ofEpochSecond(expires)));
        return shown;
    }

    /** When the job's stored result expires: {@code retention} after the job ended. */
    Instant expiresAt(JobRow job) {
        return job.completedAt().plus(retention);
    }

    String url(UUID jobId, long expires) {
        return publicUrl + PATH_PREFIX + jobId + "?expires=" + expires + "&signature="
                + signature.sign(PURPOSE, jobId, expires);
    }

    boolean valid(UUID jobId, long expires, String given) {
        return signature.valid(PURPOSE, jobId, expires, given);
    }

    boolean expired(long expires) {
        return UploadSignature.expired(expires, clock.instant());
    }

    /** Whether the job's result is stored by vidgate (its row names a storage_uri) rather than at a worker's URL. */
    static boolean stored(JobRow job) {
        return JobStatus.COMPLETED.wire.equals(job.status()) && job.result() != null
                && job.result().get("video_url") instanceof String uri && UploadService.isStorageUri(uri);
    }
}
