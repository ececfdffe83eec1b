package io.vidgate.http;

import java.time.Duration;
import java.util.Optional;

/**
 * An error the client is told about, in the seed envelope. Each subclass is one row of the contract table
 * (docs/api.md section 1): its HTTP status, its error type and, where the contract fixes it, its message.
 */
public abstract class ApiException extends RuntimeException {

    private final int status;
    private final String type;

    protected ApiException(int status, String type, String message) {
        super(message, null, false, false);
        this.status = status;
        this.type = type;
    }

    public int status() {
        return status;
    }

    public String type() {
        return type;
    }

    /** Seconds the client should wait, for 429 and 503. */
    public Optional<Duration> retryAfter() {
        return Optional.empty();
    }
}
