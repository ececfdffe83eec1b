package io.vidgate.http;

import java.time.Duration;
import java.util.Optional;

/** The error cases of the contract table (docs/api.md section 1), one exception type each. */
public final class Errors {

    private Errors() {
    }

    public static final class InvalidRequest extends ApiException {
        public InvalidRequest(String message) {
            super(400, "invalid_request_error", message);
        }
    }

    public static final class Unauthenticated extends ApiException {
        public Unauthenticated(String message) {
            super(401, "authentication_error", message);
        }

        public static Unauthenticated missingHeader() {
            return new Unauthenticated("Missing authorization header");
        }

        public static Unauthenticated invalidKey() {
            return new Unauthenticated("Invalid API key");
        }

        public static Unauthenticated invalidToken() {
            return new Unauthenticated("Invalid token");
        }
    }

    public static final class InsufficientFunds extends ApiException {
        public InsufficientFunds(long required) {
            super(402, "insufficient_funds_error", "Insufficient funds. Required: " + required + " credits");
        }
    }

    public static final class NotFound extends ApiException {
        public NotFound(String message) {
            super(404, "not_found_error", message);
        }

        public static NotFound job() {
            return new NotFound("Job not found");
        }

        public static NotFound account() {
            return new NotFound("Account not found");
        }

        public static NotFound apiKey() {
            return new NotFound("API key not found");
        }

        public static NotFound route() {
            return new NotFound("Not found");
        }
    }

    public static final class MethodNotAllowed extends ApiException {
        public MethodNotAllowed() {
            super(405, "invalid_request_error", "Method not allowed");
        }
    }

    public static final class Conflict extends ApiException {
        public Conflict(String message) {
            super(409, "conflict_error", message);
        }
    }

    public static final class TooLarge extends ApiException {
        public static final String MESSAGE = "Request exceeds the maximum allowed size";

        public TooLarge() {
            super(413, "request_too_large", MESSAGE);
        }

        public TooLarge(String message) {
            super(413, "request_too_large", message);
        }
    }

    public static final class UnsupportedMediaType extends ApiException {
        public UnsupportedMediaType() {
            super(415, "invalid_request_error", "Content-Type must be application/json");
        }
    }

    public static final class ContentFiltered extends ApiException {
        public ContentFiltered() {
            super(422, "content_filtered_error", "Content is filtered due to policy restrictions");
        }
    }

    public static final class ConcurrencyLimited extends ApiException {
        private final Duration retryAfter;

        public ConcurrencyLimited(Duration retryAfter) {
            super(429, "concurrency_limit_error", "Too many concurrent requests. Please try again later.");
            this.retryAfter = retryAfter;
        }

        @Override
        public Optional<Duration> retryAfter() {
            return Optional.of(retryAfter);
        }
    }

    public static final class RateLimited extends ApiException {
        private final Duration retryAfter;

        public RateLimited(Duration retryAfter) {
            super(429, "rate_limit_error", "Rate limit exceeded. Please try again later.");
            this.retryAfter = retryAfter;
        }

        @Override
        public Optional<Duration> retryAfter() {
            return Optional.of(retryAfter);
        }
    }

    public static final class Unavailable extends ApiException {
        public static final Duration RETRY_AFTER = Duration.ofSeconds(2);

        private final Duration retryAfter;

        public Unavailable() {
            this(RETRY_AFTER);
        }

        public Unavailable(Duration retryAfter) {
            super(503, "service_unavailable", "Service temporarily unavailable");
            this.retryAfter = retryAfter;
        }

        @Override
        public Optional<Duration> retryAfter() {
            return Optional.of(retryAfter);
        }
    }

    public static final class Internal extends ApiException {
        public Internal() {
            super(500, "api_error", "Internal server error");
        }
    }

    /** A synchronous (/v1) call whose job did not end within the wait; the job goes on. */
    public static final class SyncTimeout extends ApiException {
        public SyncTimeout(String message) {
            super(504, "timeout_error", message);
        }
    }

    /**
     * A job that ended without a video, told to the synchronous (/v1) caller that waited for it: the status of its
     * error type in the contract table (docs/api.md section 1), 500 for a type the table does not have.
     */
    public static final class JobDidNotComplete extends ApiException {
        public JobDidNotComplete(String type, String message) {
            super(statusOf(type), type, message);
        }

        private static int statusOf(String type) {
            return switch (type) {
                case "invalid_request_error" -> 400;
                case "content_filtered_error" -> 422;
                case "conflict_error" -> 409;
                case "service_unavailable" -> 503;
                default -> 500;
            };
        }
    }
}
