package io.vidgate.idempotency;

import io.vidgate.http.Errors;

import java.util.Optional;
import java.util.regex.Pattern;

/** The Idempotency-Key header (docs/api.md 2.1): 1..255 printable ASCII characters, and the request it came with. */
public record IdempotencyKey(String value, byte[] requestHash) {

    public static final String HEADER = "Idempotency-Key";
    private static final Pattern PRINTABLE = Pattern.compile("[\\x20-\\x7E]{1,255}");

    /** Empty when the client sent no key; 400 when it sent a malformed one. */
    public static Optional<String> validate(String header) {
        if (header == null) {
            return Optional.empty();
        }
        if (!PRINTABLE.matcher(header).matches()) {
            throw new Errors.InvalidRequest(HEADER + " must be 1 to 255 printable ASCII characters");
        }
        return Optional.of(header);
    }
}
