package io.vidgate.workers;

import io.smallrye.mutiny.Uni;
import io.vidgate.http.Errors;
import io.vidgate.http.JsonBody;
import io.vidgate.http.QueryParams;
import io.vidgate.jobs.JobView;
import io.vidgate.uploads.UploadService;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/** The worker API (docs/api.md 4), behind the worker token. */
@Path("/internal/jobs")
@Produces(MediaType.APPLICATION_JSON)
public class WorkerResource {

    private static final int MAX_ERROR_MESSAGE = 1000;

    private final WorkerService workers;

    WorkerResource(WorkerService workers) {
        this.workers = workers;
    }

    @POST
    @Path("/lease")
    public Uni<Map<String, List<LeasedJob>>> lease(@HeaderParam("Content-Type") String contentType, String raw) {
        LeaseRequest request = LeaseRequest.parse(JsonBody.parse(contentType, raw));
        return workers.lease(request).map(jobs -> Map.of("jobs", jobs));
    }

    @POST
    @Path("/{id}/heartbeat")
    public Uni<HeartbeatView> heartbeat(@PathParam("id") String id, @HeaderParam("Content-Type") String contentType,
                                        String raw) {
        UUID jobId = jobId(id);
        JsonBody body = JsonBody.parse(contentType, raw).allowOnly(Set.of("lease_token", "progress"));
        return workers.heartbeat(jobId, body.requiredString("lease_token", 64), body.optionalInt("progress").orElse(null));
    }

    @POST
    @Path("/{id}/complete")
    public Uni<JobView> complete(@PathParam("id") String id, @HeaderParam("Content-Type") String contentType,
                                 String raw) {
        UUID jobId = jobId(id);
        JsonBody body = JsonBody.parse(contentType, raw).allowOnly(Set.of("lease_token", "video_url"));
        String token = body.requiredString("lease_token", 64);
        String videoUrl = body.requiredString("video_url", 2048);
        if (!videoUrl.startsWith("https://") && !videoUrl.startsWith("http://")
                && !UploadService.isStorageUri(videoUrl)) {
            throw new Errors.InvalidRequest("video_url must be an http or https URL or the storage_uri of a result upload");
        }
        return workers.complete(jobId, token, videoUrl);
    }

    /** A signed upload for the job's video; the body is {"lease_token", "content_type"?} (default video/mp4). */
    @POST
    @Path("/{id}/result-upload")
    public Uni<Response> resultUpload(@PathParam("id") String id, @HeaderParam("Content-Type") String contentType,
                                      String raw) {
        UUID jobId = jobId(id);
        JsonBody body = JsonBody.parse(contentType, raw).allowOnly(Set.of("lease_token", "content_type"));
        String token = body.requiredString("lease_token", 64);
        String declared = body.optionalString("content_type", 255).orElse(null);
        return workers.resultUpload(jobId, token, declared)
                .map(ticket -> Response.status(Response.Status.CREATED).entity(ticket).build());
    }

    @POST
    @Path("/{id}/fail")
    public Uni<JobView> fail(@PathParam("id") String id, @HeaderParam("Content-Type") String contentType, String raw) {
        UUID jobId = jobId(id);
        JsonBody body = JsonBody.parse(contentType, raw).allowOnly(Set.of("lease_token", "error", "retryable"));
        String token = body.requiredString("lease_token", 64);
        JsonBody error = body.requiredObject("error").allowOnly(Set.of("type", "message"));
        Map<String, Object> failure = Map.of(
                "type", error.requiredString("type", 64),
                "message", error.requiredString("message", MAX_ERROR_MESSAGE));
        return workers.fail(jobId, token, failure, body.requiredBoolean("retryable"));
    }

    @GET
    @Path("/{id}/inputs/{field}")
    @Produces(MediaType.WILDCARD)
    public Uni<Response> input(@PathParam("id") String id, @PathParam("field") String field) {
        return workers.input(jobId(id), field)
                .map(media -> Response.ok(media.bytes()).type(media.mediaType()).build());
    }

    private static UUID jobId(String id) {
        return QueryParams.uuid(id).orElseThrow(Errors.NotFound::job);
    }
}
