package io.vidgate.testing;

import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Keeps the application's Vert.x {@link Router} (the one every route, Quarkus REST's included, is added to) so that
 * {@code io.vidgate.http.OpenApiContractTest} can list the routes registered by hand ({@code @Observes Router}).
 * Test-only bean; it changes nothing.
 */
@ApplicationScoped
public class RouteCapture {

    private volatile Router router;

    void capture(@Observes Router router) {
        this.router = router;
    }

    public Router router() {
        return router;
    }
}
