package io.vidgate.http;

import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import io.vidgate.uploads.UploadRoute;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Refuses a body over the limit before anything else looks at the request (api.md 2.1: body size comes before
 * authentication). A declared Content-Length is checked here; a chunked body that grows past the limit is cut
 * off by the HTTP server's own limit (quarkus.http.limits.max-body-size), whose answer {@link RouteFailures}
 * puts in the envelope. The one exception is the upload PUT (PUT /uploads/{id}), which streams up to 100 MiB and
 * enforces its own limit ({@link io.vidgate.uploads.UploadRoute}).
 */
@ApplicationScoped
public class BodyLimit {

    public static final long MAX_BODY_BYTES = 10L * 1024 * 1024;

    void register(@Observes Filters filters) {
        filters.register(this::check, RequestIds.PRIORITY - 1);
    }

    private void check(RoutingContext rc) {
        if (rc.request().method() == HttpMethod.PUT && rc.normalizedPath().startsWith(UploadRoute.PATH_PREFIX)) {
            rc.next();
            return;
        }
        String length = rc.request().getHeader("Content-Length");
        if (length != null && declaredTooLarge(length)) {
            rc.response().putHeader("Connection", "close");
            EnvelopeWriter.write(rc, new Errors.TooLarge());
            return;
        }
        rc.next();
    }

    private static boolean declaredTooLarge(String length) {
        try {
            return Long.parseLong(length.trim()) > MAX_BODY_BYTES;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
