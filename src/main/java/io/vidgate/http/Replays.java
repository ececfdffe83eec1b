package io.vidgate.http;

import jakarta.ws.rs.core.Response;

/** The answer to a request with an Idempotency-Key (docs/api.md 2.1): a replay is marked, its body is the original's. */
public final class Replays {

    public static final String HEADER = "Idempotent-Replayed";

    private Replays() {
    }

    public static Response.ResponseBuilder response(int status, Object body, boolean replayed) {
        Response.ResponseBuilder response = Response.status(status).entity(body);
        return replayed ? response.header(HEADER, "true") : response;
    }
}
