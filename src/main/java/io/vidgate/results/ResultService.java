package io.vidgate.results;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vidgate.config.VidgateConfig;
import io.vidgate.http.Errors;
import io.vidgate.http.QueryParams;
import io.vidgate.lifecycle.JobRow;
import io.vidgate.media.MediaFetcher;
import io.vidgate.uploads.UploadRow;
import io.vidgate.uploads.UploadService;
import io.vidgate.uploads.UploadTicket;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

/**
 * Results served by vidgate (docs/api.md 4 and 4.5): the worker's result upload, the check at completion, and the
 * bytes of a completed job's video, whether vidgate stores them or they sit at a worker's own http(s) URL.
 */
@ApplicationScoped
public class ResultService {

    /** The media types a result upload may declare: MP4 (what the hosted API returns) and WebM, both playable in
     *  every browser's video element. */
    public static final List<String> CONTENT_TYPES = List.of("video/mp4", "video/webm");
    public static final String DEFAULT_CONTENT_TYPE = "video/mp4";
    /** What an external result whose server declares no video type is sent as. */
    static final String UNKNOWN_CONTENT_TYPE = "application/octet-stream";

    private final UploadService uploads;
    private final MediaFetcher fetcher;
    private final ResultLinks links;
    private final VidgateConfig config;

    ResultService(UploadService uploads, MediaFetcher fetcher, ResultLinks links, VidgateConfig config) {
        this.uploads = uploads;
        this.fetcher = fetcher;
        this.links = links;
        this.config = config;
    }

    /**
     * Streams a completed job's video, without the caller knowing where it is: from vidgate's upload storage
     * (PostgreSQL chunks or S3) when the worker uploaded it, else from the worker's own http(s) URL under the rules
     * of media fetches (public addresses only, every redirect re-checked, at most {@code vidgate.uploads.max-bytes},
     * within {@code vidgate.results.fetch-timeout} from DNS to the last byte). One database read for a stored result,
     * none for an external one. Fails with 404 {@code Result not found} when the job has no result (not completed)
     * or its stored result has expired; an external URL that cannot be fetched fails as a media fetch does (400 or
     * 413 naming {@code video_url}), which the caller turns into its own answer.
     */
    public Uni<ResultStream> open(JobRow job) {
        if (job.result() == null || !(job.result().get("video_url") instanceof String url)) {
            return Uni.createFrom().failure(notFound());
        }
        if (ResultLinks.stored(job)) {
            return uploads.resultUpload(url, job.id()).map(found -> stream(found.orElseThrow(ResultService::notFound)));
        }
        return fetcher.stream("video_url", url, config.uploads().maxBytes(), config.results().fetchTimeout())
                .map(remote -> new ResultStream(videoType(remote.contentType()), remote.length(), remote.body()));
    }

    /**
     * GET /results/{job id}?expires=&signature=: 401 for a malformed or wrong signature and for an expired URL,
     * checked before anything is read; then 404 when the result no longer exists.
     */
    Uni<ResultStream> openSigned(String jobId, String expires, String signature) {
        Optional<UUID> id = QueryParams.uuid(jobId);
        long expiresAt = parseExpires(expires);
        if (id.isEmpty() || expiresAt < 0 || !links.valid(id.get(), expiresAt, signature)) {
            return Uni.createFrom().failure(new Errors.Unauthenticated("Invalid result signature"));
        }
        if (links.expired(expiresAt)) {
            return Uni.createFrom().failure(new Errors.Unauthenticated("Result URL has expired"));
        }
        return uploads.resultOf(id.get()).map(found -> stream(found.orElseThrow(ResultService::notFound)));
    }

    /**
     * A result upload for the job, asked for by {@code leaseToken}; empty if that is not the job's live lease (the
     * caller tells 404 from 409). {@code contentType} null means {@link #DEFAULT_CONTENT_TYPE}; anything not in
     * {@link #CONTENT_TYPES} is a 400.
     */
    public Uni<Optional<UploadTicket>> createUpload(UUID jobId, UUID leaseToken, String contentType) {
        String declared = contentType == null ? DEFAULT_CONTENT_TYPE : contentType.toLowerCase(Locale.ROOT);
        if (!CONTENT_TYPES.contains(declared)) {
            throw new Errors.InvalidRequest("content_type must be one of " + String.join(", ", CONTENT_TYPES));
        }
        return uploads.createForJob(jobId, leaseToken, declared);
    }

    /** Stores a result upload's bytes in-process (the simulator), as the signed PUT would. */
    public Uni<Void> store(String storageUri, byte[] bytes) {
        return uploads.store(UUID.fromString(storageUri.substring(UploadService.URI_PREFIX.length())), bytes);
    }

    /**
     * In the transaction that completes the job with {@code storageUri}: 400 naming {@code video_url} unless it is a
     * stored result upload of that job; the upload then expires {@code vidgate.results.retention} after the job
     * ended (its bytes go with the upload sweeper; the job row and the ledger stay).
     */
    public Uni<Void> attach(SqlClient tx, UUID jobId, String storageUri) {
        return uploads.keepAsResult(tx, "video_url", storageUri, jobId, config.results().retention());
    }

    /** Whether {@code videoUrl} names a result upload (a storage_uri) rather than a worker's own URL. */
    public static boolean isStorageUri(String videoUrl) {
        return UploadService.isStorageUri(videoUrl);
    }

    private ResultStream stream(UploadRow upload) {
        return new ResultStream(upload.contentType(), upload.size(), uploads.bytes(upload));
    }

    /** The declared type of an external result if it is a video type (without parameters), else a neutral one. */
    static String videoType(String declared) {
        if (declared == null) {
            return UNKNOWN_CONTENT_TYPE;
        }
        String type = declared.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        return type.matches("video/[a-z0-9][a-z0-9.+-]{0,126}") ? type : UNKNOWN_CONTENT_TYPE;
    }

    private static long parseExpires(String value) {
        if (value == null || value.isEmpty() || value.length() > 18 || !value.chars().allMatch(Character::isDigit)) {
            return -1;
        }
        return Long.parseLong(value);
    }

    static Errors.NotFound notFound() {
        return new Errors.NotFound("Result not found");
    }
}
