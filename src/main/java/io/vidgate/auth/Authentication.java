package io.vidgate.auth;

import io.smallrye.mutiny.Uni;
import io.vidgate.config.VidgateConfig;
import io.vidgate.crypto.Secrets;
import io.vidgate.db.DatabaseGuard;
import io.vidgate.http.ErrorMappers;
import io.vidgate.http.Errors;
import io.vidgate.keys.KeyFormat;
import io.vidgate.limits.Admission;
import io.vidgate.limits.RateLimit;
import io.vidgate.limits.RateLimiter;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.MDC;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import java.time.Duration;
import java.util.Optional;

/**
 * Authenticates every request to the public and admin APIs before it is parsed (docs/api.md 2.1, order of checks).
 * Customer keys work only on /v1 and /v2, the admin token only on /admin, the worker token only on /internal; the model
 * catalog needs no key.
 */
public class Authentication {

    private static final String BEARER = "Bearer ";

    private final ApiKeyLookup keys;
    private final RateLimiter limiter;
    private final DatabaseGuard database;
    private final Caller caller;
    private final String adminToken;
    private final String workerToken;
    private final boolean rateLimited;

    Authentication(ApiKeyLookup keys, RateLimiter limiter, DatabaseGuard database, Caller caller,
                   VidgateConfig config) {
        this.keys = keys;
        this.limiter = limiter;
        this.database = database;
        this.caller = caller;
        this.adminToken = config.adminToken();
        this.workerToken = config.workerToken();
        this.rateLimited = config.rateLimit().enabled();
    }

    @ServerRequestFilter
    public Uni<Response> authenticate(ContainerRequestContext request) {
        String path = request.getUriInfo().getPath();
        if (path.startsWith("/admin/") || path.equals("/admin")) {
            return Uni.createFrom().item(token(request, adminToken));
        }
        if (path.startsWith("/internal/")) {
            return Uni.createFrom().item(token(request, workerToken));
        }
        if (path.startsWith("/v1/") || (path.startsWith("/v2/") && !path.equals("/v2/models"))) {
            return customer(request);
        }
        return Uni.createFrom().nullItem();
    }

    /** The admin and worker APIs each take only their own configured token. */
    private static Response token(ContainerRequestContext request, String expected) {
        Optional<String> token = bearer(request);
        if (token.isEmpty()) {
            return ErrorMappers.toResponse(missingOrMalformed(request));
        }
        return Secrets.constantTimeEquals(token.get(), expected)
                ? null : ErrorMappers.toResponse(Errors.Unauthenticated.invalidToken());
    }

    private Uni<Response> customer(ContainerRequestContext request) {
        Optional<String> key = bearer(request);
        if (key.isEmpty()) {
            return Uni.createFrom().item(ErrorMappers.toResponse(missingOrMalformed(request)));
        }
        if (!KeyFormat.looksLikeKey(key.get())) {
            return Uni.createFrom().item(ErrorMappers.toResponse(Errors.Unauthenticated.invalidKey()));
        }
        return database.call(() -> rateLimited
                        ? limiter.authenticate(key.get())
                        : keys.accountOf(key.get()))
                .map(this::admit);
    }

    /** 401 for an unknown key, 429 over the rate limit, else the request goes on as its account. */
    private Response admit(Admission admission) {
        if (admission == null) {
            return ErrorMappers.toResponse(Errors.Unauthenticated.invalidKey());
        }
        RateLimit decision = admission.decision();
        caller.authenticatedAs(decision.accountId(), decision, admission.balance());
        MDC.put("account_id", decision.accountId().toString());
        if (decision.allowed()) {
            return null;
        }
        Response refused = ErrorMappers.toResponse(
                new Errors.RateLimited(Duration.ofSeconds(decision.retryAfterSeconds())));
        RateLimitHeaders.add(refused.getHeaders(), decision);
        return refused;
    }

    private static Errors.Unauthenticated missingOrMalformed(ContainerRequestContext request) {
        return request.getHeaderString("Authorization") == null
                ? Errors.Unauthenticated.missingHeader() : Errors.Unauthenticated.invalidKey();
    }

    private static Optional<String> bearer(ContainerRequestContext request) {
        String header = request.getHeaderString("Authorization");
        if (header == null || header.length() <= BEARER.length()
                || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return Optional.empty();
        }
        return Optional.of(header.substring(BEARER.length()).trim());
    }
}
