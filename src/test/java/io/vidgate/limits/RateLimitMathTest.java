package io.vidgate.limits;

import org.junit.jupiter.api.Test;

import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The headers and Retry-After computed from the limiter's state (all times in microseconds). */
class RateLimitMathTest {

    private static final UUID ACCOUNT = UUID.randomUUID();
    private static final long T = 6_000_000; // 10 per minute
    private static final long BURST = 10 * T;

    @Test
    void anAllowedRequestReportsWhatIsLeftAndWhenTheBurstIsFull() {
        RateLimit first = RateLimit.of(ACCOUNT, true, 1_000 + T, 1_000, T, BURST);
        assertTrue(first.allowed());
        assertEquals(10, first.limit());
        assertEquals(9, first.remaining());
        assertEquals(6, first.resetSeconds());

        RateLimit last = RateLimit.of(ACCOUNT, true, 1_000 + BURST, 1_000, T, BURST);
        assertEquals(0, last.remaining());
        assertEquals(60, last.resetSeconds());
    }

    @Test
    void aRefusedRequestWaitsExactlyUntilOneIntervalHasDrained() {
        RateLimit refused = RateLimit.of(ACCOUNT, false, 1_000 + BURST, 1_000, T, BURST);
        assertFalse(refused.allowed());
        assertEquals(0, refused.remaining());
        assertEquals(6, refused.retryAfterSeconds());

        RateLimit almost = RateLimit.of(ACCOUNT, false, 1_000 + BURST, 1_000 + T - 100_000, T, BURST);
        assertEquals(1, almost.retryAfterSeconds(), "0.1 s rounds up to 1");
    }

    @Test
    void retryAfterRoundsUpAFractionalInterval() {
        long interval = 60_000_000 / 7; // 8.571428 s
        RateLimit refused = RateLimit.of(ACCOUNT, false, 7 * interval, 0, interval, 7 * interval);
        assertEquals(7, refused.limit());
        assertEquals(9, refused.retryAfterSeconds());
    }
}
