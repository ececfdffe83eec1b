package io.vidgate.http;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

/**
 * The envelope for what the router itself decides: a path no route serves (404), a body the HTTP server cut off
 * (413), and any failure that escaped Quarkus REST. Quarkus REST's own errors go through {@link ErrorMappers}.
 */
@ApplicationScoped
public class RouteFailures {

    private static final Logger LOG = Logger.getLogger(RouteFailures.class);

    void install(@Observes Router router) {
        router.route().last().handler(rc -> EnvelopeWriter.write(rc, Errors.NotFound.route()));
        router.route().order(Integer.MIN_VALUE).failureHandler(this::onFailure);
    }

    private void onFailure(RoutingContext rc) {
        EnvelopeWriter.write(rc, classify(rc));
    }

    private ApiException classify(RoutingContext rc) {
        Throwable failure = rc.failure();
        if (failure instanceof ApiException api) {
            return api;
        }
        return switch (rc.statusCode()) {
            case 413 -> new Errors.TooLarge();
            case 404 -> Errors.NotFound.route();
            case 405 -> new Errors.MethodNotAllowed();
            case 400 -> new Errors.InvalidRequest("Bad request");
            default -> {
                if (failure != null && DatabaseFailures.isUnavailable(failure)) {
                    yield new Errors.Unavailable();
                }
                LOG.errorf(failure, "request %s failed", RequestIds.of(rc));
                yield new Errors.Internal();
            }
        };
    }
}
