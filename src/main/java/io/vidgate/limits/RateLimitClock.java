package io.vidgate.limits;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * The clock of the rate limiter. In production it answers null, and the database's own clock is used, so that
 * every pod measures time on the same clock; tests replace this bean to move time without sleeping.
 */
@ApplicationScoped
public class RateLimitClock {

    /** Microseconds since the epoch, or null for "the database's clock_timestamp()". */
    public Long nowMicros() {
        return null;
    }
}
