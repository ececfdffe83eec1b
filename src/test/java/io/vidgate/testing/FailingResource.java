package io.vidgate.testing;

import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/**
 * Test-only endpoints that fail unexpectedly, with SQL text and class names in the failure, to prove that a 500
 * never leaks them (docs/api.md section 1). Not under /v2 or /admin, so no credentials are needed.
 */
@Path("/test-only/boom")
@Produces(MediaType.APPLICATION_JSON)
public class FailingResource {

    public static final String LEAK = "SELECT secret FROM accounts WHERE id = 1 (io.vidgate.testing.FailingResource)";

    @GET
    public String boom() {
        throw new IllegalStateException(LEAK, new java.sql.SQLException("SELECT secret FROM accounts", "42P01"));
    }

    @GET
    @Path("/async")
    public Uni<String> asyncBoom() {
        return Uni.createFrom().failure(new UnsupportedOperationException(LEAK));
    }
}
