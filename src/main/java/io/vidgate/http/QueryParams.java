package io.vidgate.http;

import java.util.Optional;
import java.util.UUID;

/** Strict reading of query and path parameters: a bad value is a 400 naming the parameter. */
public final class QueryParams {

    public static final int DEFAULT_LIMIT = 20;
    public static final int MAX_LIMIT = 100;

    private QueryParams() {
    }

    public static int limit(String value) {
        if (value == null) {
            return DEFAULT_LIMIT;
        }
        try {
            int limit = Integer.parseInt(value);
            if (limit >= 1 && limit <= MAX_LIMIT && value.matches("\\d+")) {
                return limit;
            }
        } catch (NumberFormatException ignored) {
            // falls through to the 400
        }
        throw new Errors.InvalidRequest("limit must be an integer between 1 and " + MAX_LIMIT);
    }

    public static UUID cursor(String name, String value) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        return uuid(value).orElseThrow(() -> new Errors.InvalidRequest(name + " must be an id from a previous page"));
    }

    /** An id from a path: anything that is not a UUID names nothing, so it is simply not found. */
    public static Optional<UUID> uuid(String value) {
        if (value == null || value.length() != 36) {
            return Optional.empty();
        }
        try {
            return Optional.of(UUID.fromString(value));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
