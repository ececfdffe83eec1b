package io.vidgate.http;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * A request body read strictly (docs/api.md conventions): JSON objects only, no duplicate or unknown fields, and
 * each field exactly of its declared JSON type. Every refusal is a 400 naming the field.
 */
public final class JsonBody {

    private static final ObjectMapper STRICT = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .build();

    static {
        STRICT.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
                .maxNestingDepth(64)
                .maxNumberLength(100)
                .build());
    }

    private final ObjectNode node;

    private JsonBody(ObjectNode node) {
        this.node = node;
    }

    /** Checks the media type (415), then parses (400). */
    public static JsonBody parse(String contentType, String raw) {
        if (!isJson(contentType)) {
            throw new Errors.UnsupportedMediaType();
        }
        if (raw != null && (raw.length() > BodyLimit.MAX_BODY_BYTES
                || raw.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > BodyLimit.MAX_BODY_BYTES)) {
            throw new Errors.TooLarge(); // a chunked body, whose size no header declared
        }
        if (raw == null || raw.isBlank()) {
            throw new Errors.InvalidRequest("Request body must be a JSON object");
        }
        JsonNode tree;
        try {
            tree = STRICT.readTree(raw);
        } catch (JsonParseException e) {
            throw new Errors.InvalidRequest(describe(e));
        } catch (JsonProcessingException e) {
            throw new Errors.InvalidRequest("Request body is not valid JSON");
        }
        if (tree == null || !tree.isObject()) {
            throw new Errors.InvalidRequest("Request body must be a JSON object");
        }
        return new JsonBody((ObjectNode) tree);
    }

    static boolean isJson(String contentType) {
        if (contentType == null) {
            return false;
        }
        String type = contentType.split(";", 2)[0].trim().toLowerCase();
        return type.equals("application/json");
    }

    private static String describe(JsonParseException e) {
        String message = e.getOriginalMessage();
        if (message != null && message.startsWith("Duplicate field '")) {
            String field = message.substring("Duplicate field '".length(), message.indexOf('\'', "Duplicate field '".length()));
            return "Duplicate parameter: " + Printable.clip(field);
        }
        if (message != null && message.contains("nesting depth")) {
            return "Request body is nested too deeply";
        }
        if (e.getLocation() != null && e.getLocation().getLineNr() > 0) {
            return "Request body is not valid JSON (line " + e.getLocation().getLineNr()
                    + ", column " + e.getLocation().getColumnNr() + ")";
        }
        return "Request body is not valid JSON";
    }

    /** Refuses the first field not in {@code allowed}: a typo must never cost money. */
    public JsonBody allowOnly(Set<String> allowed) {
        Iterator<String> names = node.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (!allowed.contains(name)) {
                throw new Errors.InvalidRequest("Unknown parameter: " + Printable.clip(name));
            }
        }
        return this;
    }

    public boolean has(String field) {
        JsonNode value = node.get(field);
        return value != null && !value.isNull();
    }

    public String requiredString(String field, int maxLength) {
        return optionalString(field, maxLength).orElseThrow(() -> required(field));
    }

    public Optional<String> optionalString(String field, int maxLength) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isTextual()) {
            throw new Errors.InvalidRequest(field + " must be a string");
        }
        String text = value.textValue();
        if (text.codePointCount(0, text.length()) > maxLength) {
            throw new Errors.InvalidRequest(field + " must be at most " + maxLength + " characters");
        }
        return Optional.of(text);
    }

    /** An optional string that must be one of {@code allowed} (checked after the length bound). */
    public Optional<String> optionalOneOf(String field, int maxLength, java.util.List<String> allowed) {
        Optional<String> value = optionalString(field, maxLength);
        if (value.isPresent() && !allowed.contains(value.get())) {
            throw new Errors.InvalidRequest(field + " must be one of " + String.join(", ", allowed));
        }
        return value;
    }

    public int requiredInt(String field) {
        return optionalInt(field).orElseThrow(() -> required(field));
    }

    public Optional<Integer> optionalInt(String field) {
        return optionalLong(field).map(v -> {
            if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
                throw new Errors.InvalidRequest(field + " is out of range");
            }
            return v.intValue();
        });
    }

    /** An optional integer that must lie in [min, max]. */
    public Optional<Integer> optionalInt(String field, int min, int max) {
        Optional<Integer> value = optionalInt(field);
        value.filter(v -> v < min || v > max).ifPresent(v -> {
            throw new Errors.InvalidRequest(field + " must be between " + min + " and " + max);
        });
        return value;
    }

    public int requiredInt(String field, int min, int max) {
        return optionalInt(field, min, max).orElseThrow(() -> required(field));
    }

    public long requiredLong(String field) {
        return optionalLong(field).orElseThrow(() -> required(field));
    }

    /**
     * An optional integer. Any JSON number whose exact decimal value is an integer counts ({@code 6}, {@code 6.0},
     * {@code 6E0}, {@code 0.6e1}); the check is on the decimal as written, never on a double, so
     * {@code 6.0000000000000001} is not an integer. Beyond the long range: out of range.
     */
    public Optional<Long> optionalLong(String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isNumber()) {
            throw new Errors.InvalidRequest(field + " must be an integer");
        }
        if (value.isIntegralNumber()) {
            if (!value.canConvertToLong()) {
                throw new Errors.InvalidRequest(field + " is out of range");
            }
            return Optional.of(value.longValue());
        }
        BigDecimal exact = integral(value.decimalValue())
                .orElseThrow(() -> new Errors.InvalidRequest(field + " must be an integer"));
        if (exact.precision() - exact.scale() > 19) { // more than 19 digits before the point: beyond any long
            throw new Errors.InvalidRequest(field + " is out of range");
        }
        try {
            return Optional.of(exact.longValueExact());
        } catch (ArithmeticException e) {
            throw new Errors.InvalidRequest(field + " is out of range");
        }
    }

    /**
     * The number without trailing zeros if its exact value is an integer, else empty. Cheap whatever the exponent
     * ({@code 1e999999999} is one digit and a scale): nothing here expands it.
     */
    private static Optional<BigDecimal> integral(BigDecimal number) {
        if (number.signum() == 0) {
            return Optional.of(BigDecimal.ZERO);
        }
        BigDecimal stripped = number.stripTrailingZeros();
        return stripped.scale() <= 0 ? Optional.of(stripped) : Optional.empty();
    }

    /** An optional JSON number (integer or decimal) that must lie in [min, max]; never a string. */
    public Optional<Double> optionalNumber(String field, double min, double max) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isNumber()) {
            throw new Errors.InvalidRequest(field + " must be a number");
        }
        double number = value.doubleValue();
        if (!Double.isFinite(number) || number < min || number > max) {
            throw new Errors.InvalidRequest(field + " must be between " + plain(min) + " and " + plain(max));
        }
        return Optional.of(number);
    }

    public double requiredNumber(String field, double min, double max) {
        return optionalNumber(field, min, max).orElseThrow(() -> required(field));
    }

    private static String plain(double value) {
        return value == Math.rint(value) ? String.valueOf((long) value) : String.valueOf(value);
    }

    public Optional<Boolean> optionalBoolean(String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isBoolean()) {
            throw new Errors.InvalidRequest(field + " must be a boolean");
        }
        return Optional.of(value.booleanValue());
    }

    /** A nested object, read as strictly as the body itself. */
    public JsonBody requiredObject(String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            throw required(field);
        }
        if (!value.isObject()) {
            throw new Errors.InvalidRequest(field + " must be an object");
        }
        return new JsonBody((ObjectNode) value);
    }

    public boolean requiredBoolean(String field) {
        return optionalBoolean(field).orElseThrow(() -> required(field));
    }

    /** An array of strings, each at most {@code maxLength} characters, at most {@code maxItems} of them. */
    public Optional<java.util.List<String>> optionalStrings(String field, int maxItems, int maxLength) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isArray() || value.size() > maxItems) {
            throw new Errors.InvalidRequest(field + " must be an array of at most " + maxItems + " strings");
        }
        java.util.List<String> items = new java.util.ArrayList<>();
        for (JsonNode item : value) {
            if (!item.isTextual() || item.textValue().length() > maxLength) {
                throw new Errors.InvalidRequest(field + " must be an array of strings of at most " + maxLength
                        + " characters");
            }
            items.add(item.textValue());
        }
        return Optional.of(items);
    }

    private static Errors.InvalidRequest required(String field) {
        return new Errors.InvalidRequest(field + " is required");
    }

    /** SHA-256 of the body in a canonical form (keys sorted, no whitespace): the same request hashes the same. */
    public byte[] canonicalHash(String scope) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(scope.getBytes(StandardCharsets.UTF_8));
            digest.update((byte) 0);
            digest.update(STRICT.writeValueAsBytes(canonical(node)));
            return digest.digest();
        } catch (NoSuchAlgorithmException | JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The canonical form hashed for idempotency (docs/api.md 2.10): object keys sorted; a field whose value is null
     * left out (null means absent); a number whose exact value is an integer in the long range written as that
     * integer (6.0 is 6), any other number as its decimal without trailing zeros (6.50 is 6.5). Bodies without
     * nulls or decimals hash exactly as before this rule.
     */
    private static Object canonical(JsonNode value) {
        if (value.isObject()) {
            Map<String, Object> sorted = new TreeMap<>();
            value.fields().forEachRemaining(e -> {
                if (!e.getValue().isNull()) {
                    sorted.put(e.getKey(), canonical(e.getValue()));
                }
            });
            return sorted;
        }
        if (value.isArray()) {
            java.util.List<Object> items = new java.util.ArrayList<>();
            value.forEach(item -> items.add(canonical(item)));
            return items;
        }
        if (value.isNumber() && !value.isIntegralNumber()) {
            BigDecimal number = value.decimalValue();
            Optional<BigDecimal> integral = integral(number);
            if (integral.isPresent() && integral.get().precision() - integral.get().scale() <= 19) {
                try {
                    return integral.get().longValueExact();
                } catch (ArithmeticException e) {
                    // beyond the long range: kept as a decimal below
                }
            }
            return number.signum() == 0 ? BigDecimal.ZERO : number.stripTrailingZeros();
        }
        return value;
    }
}
