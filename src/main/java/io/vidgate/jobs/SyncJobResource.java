package io.vidgate.jobs;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
import io.vertx.core.buffer.Buffer;
import io.vidgate.http.ApiException;
import io.vidgate.http.ErrorBody;
import io.vidgate.http.ErrorMappers;
import io.vidgate.http.Errors;
import io.vidgate.http.RequestIds;
import io.vidgate.http.RetryAfter;
import io.vidgate.http.Replays;
import io.vidgate.idempotency.IdempotencyKey;
import io.vidgate.pricing.GenerationType;
import io.vidgate.results.ResultService;
import io.vidgate.results.ResultStream;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.jboss.resteasy.reactive.RestMulti;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The synchronous API of the hosted LTX service (docs/api.md 2.14): a /v1 call is a /v2 job plus a wait. It is
 * submitted exactly as on /v2 (same validation, price, limits, Idempotency-Key and hold), then the request waits,
 * holding no thread, for the job to end, and answers 200 with the video streamed from where the result is, or the
 * job's error, or 504 after {@code vidgate.sync.max-wait} (the job goes on). The x-vidgate-job-id header names the
 * job, so a client that lost the answer can fetch the result through /v2 instead of paying again.
 */
@Path("/v1")
// One media type: Quarkus REST streams a Multi under exactly one, and any wildcard would make it Server-Sent Events;
// each answer sets its own Content-Type (the video's, or JSON for the error envelope).
@Produces(MediaType.APPLICATION_OCTET_STREAM)
public class SyncJobResource {

    public static final String JOB_ID_HEADER = "x-vidgate-job-id";

    private final JobSubmissions submissions;
    private final SyncJobs sync;
    private final ResultService results;
    private final RoutingContext routing;

    SyncJobResource(JobSubmissions submissions, SyncJobs sync, ResultService results, RoutingContext routing) {
        this.submissions = submissions;
        this.sync = sync;
        this.results = results;
        this.routing = routing;
    }

    @POST
    @Path("/text-to-video")
    public RestMulti<Buffer> textToVideo(@HeaderParam("Content-Type") String contentType,
                                         @HeaderParam(IdempotencyKey.HEADER) String key, String body) {
        return generate(GenerationType.TEXT_TO_VIDEO, contentType, key, body);
    }

    @POST
    @Path("/image-to-video")
    public RestMulti<Buffer> imageToVideo(@HeaderParam("Content-Type") String contentType,
                                          @HeaderParam(IdempotencyKey.HEADER) String key, String body) {
        return generate(GenerationType.IMAGE_TO_VIDEO, contentType, key, body);
    }

    @POST
    @Path("/audio-to-video")
    public RestMulti<Buffer> audioToVideo(@HeaderParam("Content-Type") String contentType,
                                          @HeaderParam(IdempotencyKey.HEADER) String key, String body) {
        return generate(GenerationType.AUDIO_TO_VIDEO, contentType, key, body);
    }

    @POST
    @Path("/retake")
    public RestMulti<Buffer> retake(@HeaderParam("Content-Type") String contentType,
                                    @HeaderParam(IdempotencyKey.HEADER) String key, String body) {
        return generate(GenerationType.RETAKE, contentType, key, body);
    }

    @POST
    @Path("/extend")
    public RestMulti<Buffer> extend(@HeaderParam("Content-Type") String contentType,
                                    @HeaderParam(IdempotencyKey.HEADER) String key, String body) {
        return generate(GenerationType.EXTEND, contentType, key, body);
    }

    private RestMulti<Buffer> generate(GenerationType type, String contentType, String key, String raw) {
        String requestId = RequestIds.of(routing);
        Uni<Answer> answer = submissions.submit(type, contentType, key, raw)
                .flatMap(created -> sync.completed(created.value().id())
                        .flatMap(results::open)
                        .onFailure(SyncJobResource::unreadableResult)
                        .transform(e -> unreadable(created.value().id(), e))
                        .map(stream -> Answer.video(created.value().id(), created.replayed(), stream)))
                .onFailure().recoverWithItem(e -> Answer.error(ErrorMappers.asApiException(e, requestId)));
        return RestMulti.fromUniResponse(answer, Answer::body, Answer::headers, Answer::status);
    }

    /** A completed job whose video cannot be read now: its worker's URL refused, or the stored result is gone. */
    private static boolean unreadableResult(Throwable failure) {
        return failure instanceof Errors.InvalidRequest || failure instanceof Errors.TooLarge
                || failure instanceof Errors.NotFound;
    }

    private static Errors.JobDidNotComplete unreadable(UUID jobId, Throwable failure) {
        return new Errors.JobDidNotComplete("api_error", "Job " + jobId + " completed, but its video could not be read ("
                + failure.getMessage() + "); GET /v2/jobs/" + jobId + " shows its result");
    }

    /**
     * What a /v1 call answers once its job has ended: the video, or the error envelope. Never with Content-Length:
     * Quarkus REST sends a streamed body chunked, and a Content-Length beside Transfer-Encoding: chunked is invalid
     * HTTP that some clients (the JDK's) obey, reading the chunk framing as the video (SyncTwoInstancesIT). An error after the wait is an
     * answer too, not an exception: a streamed response chooses its status and headers when its first bytes are
     * sent, and Quarkus REST cannot turn a failure of a streamed response into a mapped error.
     */
    private record Answer(int status, Map<String, List<String>> headers, Multi<Buffer> body) {

        static Answer video(UUID jobId, boolean replayed, ResultStream stream) {
            Map<String, List<String>> headers = new HashMap<>();
            headers.put("Content-Type", List.of(stream.contentType()));
            headers.put(JOB_ID_HEADER, List.of(jobId.toString()));
            if (replayed) {
                headers.put(Replays.HEADER, List.of("true"));
            }
            return new Answer(200, headers, stream.body());
        }

        static Answer error(ApiException error) {
            Buffer envelope = Buffer.buffer(ErrorBody.of(error).toJson());
            Map<String, List<String>> headers = new HashMap<>();
            headers.put("Content-Type", List.of("application/json; charset=utf-8"));
            error.retryAfter().ifPresent(d -> headers.put("Retry-After", List.of(Long.toString(RetryAfter.seconds(d)))));
            return new Answer(error.status(), headers, Multi.createFrom().item(envelope));
        }
    }
}
