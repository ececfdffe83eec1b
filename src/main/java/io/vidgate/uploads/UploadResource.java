package io.vidgate.uploads;

import io.smallrye.mutiny.Uni;
import io.vidgate.http.Errors;
import io.vidgate.http.JsonBody;
import io.vidgate.auth.Caller;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.util.Set;
import java.util.regex.Pattern;

/** POST /v2/upload: a signed URL to PUT one file to, and the storage_uri to use it by (API key auth). */
@Path("/v2/upload")
@Produces(MediaType.APPLICATION_JSON)
public class UploadResource {

    static final String DEFAULT_CONTENT_TYPE = "application/octet-stream";
    /** type/subtype as RFC 6838 restricts them, without parameters. */
    private static final Pattern MEDIA_TYPE = Pattern.compile(
            "[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}");

    private final UploadService uploads;
    private final Caller caller;

    UploadResource(UploadService uploads, Caller caller) {
        this.uploads = uploads;
        this.caller = caller;
    }

    /** The body is optional: none, {} or {"content_type": "image/png"} (default application/octet-stream). */
    @POST
    public Uni<Response> create(@HeaderParam("Content-Type") String contentType, String raw) {
        return uploads.create(caller.accountId(), declaredType(raw, contentType))
                .map(ticket -> Response.status(Response.Status.CREATED).entity(ticket).build());
    }

    /** Whether {@code type} is a type/subtype as RFC 6838 restricts them, without parameters. */
    static boolean isMediaType(String type) {
        return MEDIA_TYPE.matcher(type).matches();
    }

    /** The content type a create body declares; the default without a body. */
    static String declaredType(String raw, String requestContentType) {
        return raw == null || raw.isBlank() ? DEFAULT_CONTENT_TYPE : contentType(raw, requestContentType);
    }

    private static String contentType(String raw, String requestContentType) {
        JsonBody body = JsonBody.parse(requestContentType, raw).allowOnly(Set.of("content_type"));
        String declared = body.optionalString("content_type", 255).orElse(DEFAULT_CONTENT_TYPE);
        if (!MEDIA_TYPE.matcher(declared).matches()) {
            throw new Errors.InvalidRequest("content_type must be a media type such as image/png");
        }
        return declared.toLowerCase(java.util.Locale.ROOT);
    }
}
