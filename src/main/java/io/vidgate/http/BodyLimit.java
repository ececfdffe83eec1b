package io.vidgate.http;

import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Refuses a body over the limit before anything else looks at the request (docs/api.md 2.1: body size comes before
 * authentication). A declared Content-Length is checked here; a chunked body that grows past the limit is cut
 * off by the HTTP server's own limit (quarkus.http.limits.max-body-size), whose answer {@link RouteFailures}
 * puts in the envelope. The exceptions are the routes that stream a larger body and enforce their own limit; they register
 * themselves through {@link #exemptPut} (today only the upload PUT, PUT /uploads/{id}, up to 100 MiB).
 */
@ApplicationScoped
public class BodyLimit {

    public static final long MAX_BODY_BYTES = 10L * 1024 * 1024;

    private final List<String> exemptPutPrefixes = new CopyOnWriteArrayList<>();

    /** PUTs under {@code pathPrefix} are not checked here: their route streams the body and enforces its own limit. */
    public void exemptPut(String pathPrefix) {
        exemptPutPrefixes.add(pathPrefix);
    }

    void register(@Observes Filters filters) {
        filters.register(this::check, RequestIds.PRIORITY - 1);
    }

    private void check(RoutingContext rc) {
        if (rc.request().method() == HttpMethod.PUT && exempt(rc.normalizedPath())) {
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

    private boolean exempt(String path) {
        for (String prefix : exemptPutPrefixes) {
            if (path.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    private static boolean declaredTooLarge(String length) {
        try {
            return Long.parseLong(length.trim()) > MAX_BODY_BYTES;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
