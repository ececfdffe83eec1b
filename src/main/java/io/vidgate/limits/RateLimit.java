package io.vidgate.limits;

import java.util.UUID;

/**
 * One GCRA decision for an account (generic cell rate algorithm): each request advances the account's
 * theoretical arrival time (TAT) by the emission interval T = 60 s / limit; a request is allowed while
 * TAT - now stays within the burst (limit x T), so a full minute's allowance may be spent at once and then
 * refills one request every T.
 */
public record RateLimit(UUID accountId, boolean allowed, int limit, long remaining, long resetSeconds,
                        long retryAfterSeconds) {

    private static final long MICROS = 1_000_000L;

    /** An authenticated request that was not counted (the limiter is switched off); null for no account. */
    public static RateLimit uncounted(UUID accountId) {
        return accountId == null ? null : new RateLimit(accountId, true, 0, 0, 0, 0);
    }

    /** Whether this decision came from the limiter, and so has RateLimit-* headers to show. */
    public boolean counted() {
        return limit > 0;
    }

    /** From the state the limiter statement returns: TAT (after this request), now, T and the burst, in µs. */
    static RateLimit of(UUID accountId, boolean allowed, long tat, long now, long interval, long burst) {
        int limit = (int) (burst / interval);
        long ahead = Math.max(0, tat - now);
        long reset = ceilSeconds(ahead);
        if (allowed) {
            long remaining = Math.max(0, (burst - ahead) / interval);
            return new RateLimit(accountId, true, limit, remaining, reset, 0);
        }
        long wait = Math.max(tat, now) + interval - now - burst;
        return new RateLimit(accountId, false, limit, 0, reset, Math.max(1, ceilSeconds(wait)));
    }

    private static long ceilSeconds(long micros) {
        return (Math.max(0, micros) + MICROS - 1) / MICROS;
    }
}
