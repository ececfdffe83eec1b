package io.vidgate.http;

import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.NotAcceptableException;
import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.NotSupportedException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** The one place where exceptions inside Quarkus REST become the seed envelope. */
public class ErrorMappers {

    private static final Logger LOG = Logger.getLogger(ErrorMappers.class);

    @ServerExceptionMapper
    public Response api(ApiException e) {
        return toResponse(e);
    }

    @ServerExceptionMapper
    public Response notFound(NotFoundException e) {
        return toResponse(Errors.NotFound.route());
    }

    @ServerExceptionMapper
    public Response notAllowed(NotAllowedException e) {
        return toResponse(new Errors.MethodNotAllowed());
    }

    @ServerExceptionMapper
    public Response unsupported(NotSupportedException e) {
        return toResponse(new Errors.UnsupportedMediaType());
    }

    @ServerExceptionMapper
    public Response notAcceptable(NotAcceptableException e) {
        return toResponse(new Errors.InvalidRequest("Accept must allow application/json"));
    }

    @ServerExceptionMapper
    public Response webApplication(WebApplicationException e, RoutingContext rc) {
        int status = e.getResponse() == null ? 500 : e.getResponse().getStatus();
        if (status == 413) {
            return toResponse(new Errors.TooLarge());
        }
        if (status >= 400 && status < 500) {
            return toResponse(new Errors.InvalidRequest("Invalid request"));
        }
        return unexpected(e, rc);
    }

    @ServerExceptionMapper
    public Response unexpected(Throwable e, RoutingContext rc) {
        return toResponse(asApiException(e, RequestIds.of(rc)));
    }

    /**
     * What the client is told of any failure: an {@link ApiException} as it is, a database that is unavailable as 503,
     * anything else as 500 (logged with the request's id, never shown to the client). For answers built outside the
     * mappers, such as a streamed response that must choose its status before its first byte.
     */
    public static ApiException asApiException(Throwable e, String requestId) {
        if (e instanceof ApiException api) {
            return api;
        }
        if (DatabaseFailures.isUnavailable(e)) {
            LOG.warnf("request %s: database unavailable: %s", requestId, e.toString());
            return new Errors.Unavailable();
        }
        LOG.errorf(e, "request %s failed", requestId);
        return new Errors.Internal();
    }

    public static Response toResponse(ApiException e) {
        Response.ResponseBuilder response = Response.status(e.status())
                .type(MediaType.APPLICATION_JSON_TYPE.withCharset("utf-8"))
                .entity(ErrorBody.of(e));
        e.retryAfter().ifPresent(d -> response.header("Retry-After", RetryAfter.seconds(d)));
        return response.build();
    }
}
