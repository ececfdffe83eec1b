package io.vidgate.uploads;

import io.vertx.core.buffer.Buffer;
import io.vidgate.http.Errors;
import io.vidgate.http.QueryParams;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.jboss.resteasy.reactive.RestMulti;

import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * GET /internal/uploads/{id} (worker token): the bytes of a stored upload, streamed chunk by chunk with its
 * content type, for a worker whose job names the upload. Lease responses point workers here.
 */
@Path("/internal/uploads")
public class WorkerUploadResource {

    private final UploadService uploads;

    WorkerUploadResource(UploadService uploads) {
        this.uploads = uploads;
    }

    @GET
    @Path("/{id}")
    @Produces(MediaType.APPLICATION_OCTET_STREAM)
    public RestMulti<Buffer> download(@PathParam("id") String id) {
        UUID uploadId = QueryParams.uuid(id).orElseThrow(WorkerUploadResource::notFound);
        return RestMulti.fromUniResponse(
                uploads.forWorker(uploadId).map(found -> found.orElseThrow(WorkerUploadResource::notFound)),
                upload -> uploads.storage().read(upload.id(), upload.size()),
                upload -> Map.of(
                        "Content-Type", List.of(upload.contentType()),
                        "x-content-sha256", List.of(HexFormat.of().formatHex(upload.sha256()))));
    }

    static Errors.NotFound notFound() {
        return new Errors.NotFound("Upload not found");
    }
}
