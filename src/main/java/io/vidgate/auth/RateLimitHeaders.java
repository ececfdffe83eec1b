package io.vidgate.auth;

import io.vidgate.limits.RateLimit;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.core.MultivaluedMap;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

/** RateLimit-Limit, RateLimit-Remaining and RateLimit-Reset on every response to a counted request. */
public class RateLimitHeaders {

    private final Caller caller;

    RateLimitHeaders(Caller caller) {
        this.caller = caller;
    }

    @ServerResponseFilter
    public void addHeaders(ContainerResponseContext response) {
        RateLimit decision = caller.rateLimit();
        if (decision != null && decision.counted() && !response.getHeaders().containsKey("RateLimit-Limit")) {
            add(response.getHeaders(), decision);
        }
    }

    public static void add(MultivaluedMap<String, Object> headers, RateLimit decision) {
        headers.putSingle("RateLimit-Limit", decision.limit());
        headers.putSingle("RateLimit-Remaining", decision.remaining());
        headers.putSingle("RateLimit-Reset", decision.resetSeconds());
    }
}
