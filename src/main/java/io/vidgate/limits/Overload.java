package io.vidgate.limits;

import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.ext.web.RoutingContext;
import io.vidgate.config.VidgateConfig;
import io.vidgate.http.EnvelopeWriter;
import io.vidgate.http.Errors;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Sheds load instead of queueing it: past {@code vidgate.overload.max-in-flight} requests being worked on,
 * a new API request is answered 503 service_unavailable with Retry-After at once, before any work. Health and
 * metrics (/q/...) are never counted or shed, so probes and scrapes stay responsive while the API sheds. (The
 * other half is the database pool: past its wait queue a request fails at once, also with 503.)
 */
@ApplicationScoped
public class Overload {

    static final Duration RETRY_AFTER = Duration.ofSeconds(1);
    /** After the request id and the body-size check, before anything that costs work. */
    static final int PRIORITY = 990;

    private final AtomicInteger inFlight = new AtomicInteger();
    private final int maxInFlight;

    Overload(VidgateConfig config) {
        this.maxInFlight = config.overload().maxInFlight();
    }

    void register(@Observes Filters filters) {
        filters.register(this::admit, PRIORITY);
    }

    private void admit(RoutingContext rc) {
        if (rc.normalizedPath().startsWith("/q/")) {
            rc.next();
            return;
        }
        if (inFlight.incrementAndGet() > maxInFlight) {
            inFlight.decrementAndGet();
            EnvelopeWriter.write(rc, new Errors.Unavailable(RETRY_AFTER));
            return;
        }
        rc.addEndHandler(done -> inFlight.decrementAndGet());
        rc.next();
    }

    public int inFlight() {
        return inFlight.get();
    }
}
