package io.vidgate.uploads;

import io.smallrye.mutiny.Uni;
import io.vidgate.auth.Caller;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * POST /v1/upload: POST /v2/upload for the clients of the hosted API's synchronous surface, which send no body and no
 * Content-Type and take any status but 200 as a failure (docs/api.md 2.9). A JSON body without a Content-Type is read
 * as JSON.
 */
@Path("/v1/upload")
@Produces(MediaType.APPLICATION_JSON)
public class SyncUploadResource {

    private final UploadService uploads;
    private final Caller caller;

    SyncUploadResource(UploadService uploads, Caller caller) {
        this.uploads = uploads;
        this.caller = caller;
    }

    @POST
    public Uni<Response> create(@HeaderParam("Content-Type") String contentType, String raw) {
        String declared = UploadResource.declaredType(raw, contentType == null ? MediaType.APPLICATION_JSON : contentType);
        return uploads.create(caller.accountId(), declared).map(ticket -> Response.ok(ticket).build());
    }
}
