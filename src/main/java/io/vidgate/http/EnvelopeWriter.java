package io.vidgate.http;

import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;

/** Writes the error envelope straight to Vert.x, for errors raised before Quarkus REST sees the request. */
public final class EnvelopeWriter {

    private EnvelopeWriter() {
    }

    public static void write(RoutingContext rc, ApiException error) {
        HttpServerResponse response = rc.response();
        if (response.ended()) {
            return;
        }
        if (response.headWritten()) {
            response.end();
            return;
        }
        response.setStatusCode(error.status());
        response.putHeader("Content-Type", "application/json; charset=utf-8");
        error.retryAfter().ifPresent(d -> response.putHeader("Retry-After", Long.toString(RetryAfter.seconds(d))));
        response.end(ErrorBody.of(error).toJson());
    }
}
