package io.vidgate.results;

import io.vertx.core.buffer.Buffer;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.jboss.resteasy.reactive.RestMulti;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * GET /results/{job id}?expires=&signature= (docs/api.md 4.5): the video of a completed job whose result vidgate
 * stores, streamed chunk by chunk with its Content-Type and Content-Length. No API key: the signature is the
 * credential (the URL is what {@code result.video_url} shows). 401 for a bad or expired signature, 404 once the
 * result is gone, both in the error envelope.
 */
@Path("/results")
public class ResultResource {

    private final ResultService results;

    ResultResource(ResultService results) {
        this.results = results;
    }

    @GET
    @Path("/{id}")
    @Produces(MediaType.APPLICATION_OCTET_STREAM)
    public RestMulti<Buffer> download(@PathParam("id") String id, @QueryParam("expires") String expires,
                                      @QueryParam("signature") String signature) {
        return RestMulti.fromUniResponse(results.openSigned(id, expires, signature), ResultStream::body,
                ResultResource::headers);
    }

    static Map<String, List<String>> headers(ResultStream result) {
        Map<String, List<String>> headers = new HashMap<>();
        headers.put("Content-Type", List.of(result.contentType()));
        // No Content-Length: the body is sent chunked, and both at once is invalid HTTP (see SyncJobResource.Answer).
        // Served from the API's origin: never let a browser guess another type than the declared video type.
        headers.put("X-Content-Type-Options", List.of("nosniff"));
        return headers;
    }
}
