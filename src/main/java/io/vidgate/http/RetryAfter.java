package io.vidgate.http;

import java.time.Duration;

/** Retry-After is whole seconds, rounded up, at least 1 (docs/api.md section 1). */
public final class RetryAfter {

    private RetryAfter() {
    }

    public static long seconds(Duration wait) {
        long millis = Math.max(0, wait.toMillis());
        return Math.max(1, (millis + 999) / 1000);
    }
}
