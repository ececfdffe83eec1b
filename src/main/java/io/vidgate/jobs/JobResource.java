package io.vidgate.jobs;

import io.smallrye.mutiny.Uni;
import io.vidgate.http.Errors;
import io.vidgate.http.Page;
import io.vidgate.http.QueryParams;
import io.vidgate.http.Replays;
import io.vidgate.idempotency.IdempotencyKey;
import io.vidgate.lifecycle.JobStatus;
import io.vidgate.auth.Caller;
import io.vidgate.pricing.GenerationType;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.util.UUID;

/** The job endpoints of the public API (docs/api.md 2.1 to 2.3). */
@Path("/v2")
@Produces(MediaType.APPLICATION_JSON)
public class JobResource {

    private final JobService service;
    private final JobSubmissions submissions;
    private final Caller caller;

    JobResource(JobService service, JobSubmissions submissions, Caller caller) {
        this.service = service;
        this.submissions = submissions;
        this.caller = caller;
    }

    @POST
    @Path("/text-to-video")
    public Uni<Response> textToVideo(@HeaderParam("Content-Type") String contentType,
                                     @HeaderParam(IdempotencyKey.HEADER) String key, String body) {
        return create(GenerationType.TEXT_TO_VIDEO, contentType, key, body);
    }

    @POST
    @Path("/image-to-video")
    public Uni<Response> imageToVideo(@HeaderParam("Content-Type") String contentType,
                                      @HeaderParam(IdempotencyKey.HEADER) String key, String body) {
        return create(GenerationType.IMAGE_TO_VIDEO, contentType, key, body);
    }

    @POST
    @Path("/audio-to-video")
    public Uni<Response> audioToVideo(@HeaderParam("Content-Type") String contentType,
                                      @HeaderParam(IdempotencyKey.HEADER) String key, String body) {
        return create(GenerationType.AUDIO_TO_VIDEO, contentType, key, body);
    }

    @POST
    @Path("/retake")
    public Uni<Response> retake(@HeaderParam("Content-Type") String contentType,
                                @HeaderParam(IdempotencyKey.HEADER) String key, String body) {
        return create(GenerationType.RETAKE, contentType, key, body);
    }

    @POST
    @Path("/extend")
    public Uni<Response> extend(@HeaderParam("Content-Type") String contentType,
                                @HeaderParam(IdempotencyKey.HEADER) String key, String body) {
        return create(GenerationType.EXTEND, contentType, key, body);
    }

    @GET
    @Path("/text-to-video/{id}")
    public Uni<JobView> textToVideoJob(@PathParam("id") String id) {
        return get(id, GenerationType.TEXT_TO_VIDEO.wire);
    }

    @GET
    @Path("/image-to-video/{id}")
    public Uni<JobView> imageToVideoJob(@PathParam("id") String id) {
        return get(id, GenerationType.IMAGE_TO_VIDEO.wire);
    }

    @GET
    @Path("/audio-to-video/{id}")
    public Uni<JobView> audioToVideoJob(@PathParam("id") String id) {
        return get(id, GenerationType.AUDIO_TO_VIDEO.wire);
    }

    @GET
    @Path("/retake/{id}")
    public Uni<JobView> retakeJob(@PathParam("id") String id) {
        return get(id, GenerationType.RETAKE.wire);
    }

    @GET
    @Path("/extend/{id}")
    public Uni<JobView> extendJob(@PathParam("id") String id) {
        return get(id, GenerationType.EXTEND.wire);
    }

    @GET
    @Path("/jobs/{id}")
    public Uni<JobView> job(@PathParam("id") String id) {
        return get(id, null);
    }

    @GET
    @Path("/jobs")
    public Uni<Page<JobView>> list(@QueryParam("status") String status, @QueryParam("type") String type,
                                   @QueryParam("limit") String limit, @QueryParam("after") String after) {
        return service.list(caller.accountId(), filter(status, type), QueryParams.cursor("after", after),
                QueryParams.limit(limit));
    }

    @POST
    @Path("/jobs/{id}/cancel")
    public Uni<JobView> cancel(@PathParam("id") String id) {
        return service.cancel(caller.accountId(), jobId(id));
    }

    private Uni<Response> create(GenerationType type, String contentType, String key, String raw) {
        return submissions.submit(type, contentType, key, raw)
                .map(created -> Replays.response(202, created.value(), created.replayed())
                        .header("Location", created.value().location())
                        .build());
    }

    private Uni<JobView> get(String id, String type) {
        return service.get(caller.accountId(), jobId(id), type);
    }

    private static UUID jobId(String id) {
        return QueryParams.uuid(id).orElseThrow(Errors.NotFound::job);
    }

    private static JobFilter filter(String status, String type) {
        if (status != null && JobStatus.fromWire(status).isEmpty()) {
            throw new Errors.InvalidRequest("status must be one of pending, processing, completed, failed, cancelled");
        }
        if (type != null && GenerationType.fromWire(type).isEmpty()) {
            throw new Errors.InvalidRequest("type must be one of " + GenerationType.WIRE_NAMES);
        }
        return new JobFilter(status, type);
    }
}
