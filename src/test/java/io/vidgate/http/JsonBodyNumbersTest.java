package io.vidgate.http;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * The number and null rules of docs/api.md (conventions): an integer field takes any JSON number whose exact
 * decimal value is an integer, and the canonical hash of idempotency treats 6.0 as 6 and null as absent. Plain
 * JUnit: these are rules of the parser alone; ClientShapesTest shows them through every endpoint.
 */
class JsonBodyNumbersTest {

    private static JsonBody body(String json) {
        return JsonBody.parse("application/json", json);
    }

    private static String refusal(Runnable read) {
        return assertThrows(Errors.InvalidRequest.class, read::run).getMessage();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "6     | 6", "6.0   | 6", "6.000 | 6", "6E0   | 6", "0.6e1 | 6", "60e-1 | 6", "-0.0  | 0", "0e5 | 0",
            "2147483647.0 | 2147483647", "-2147483648.00 | -2147483648"})
    void anIntegralNumberIsAnInteger(String json, int expected) {
        assertEquals(Optional.of(expected), body("{\"fps\":" + json + "}").optionalInt("fps"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"6.5", "6.0000000000000001", "5.9999999999999999", "1e-400", "0.1", "-6.5"})
    void aNumberWithAFractionIsNotAnInteger(String json) {
        assertEquals("fps must be an integer", refusal(() -> body("{\"fps\":" + json + "}").optionalInt("fps")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"1e10", "2147483648", "2147483648.0", "-2147483649", "1e400", "-1e400",
            "99999999999999999999", "1e2147483647", "9223372036854775808.0"})
    void anIntegerBeyondTheIntRangeIsOutOfRange(String json) {
        String message = assertTimeoutPreemptively(Duration.ofSeconds(2),
                () -> refusal(() -> body("{\"fps\":" + json + "}").optionalInt("fps")));
        assertEquals("fps is out of range", message);
    }

    @Test
    void aLongTakesIntegralNumbersUpToItsRange() {
        assertEquals(9_223_372_036_854_775_807L, body("{\"a\":9223372036854775807.0}").requiredLong("a"));
        assertEquals(1_000_000_000_000L, body("{\"a\":1e12}").requiredLong("a"));
        assertEquals("a is out of range", refusal(() -> body("{\"a\":9223372036854775808}").requiredLong("a")));
        assertEquals("a is out of range", refusal(() -> body("{\"a\":1e19}").requiredLong("a")));
        assertEquals("a must be an integer", refusal(() -> body("{\"a\":\"5\"}").requiredLong("a")));
        assertEquals("a must be an integer", refusal(() -> body("{\"a\":true}").requiredLong("a")));
    }

    @Test
    void aHugeExponentIsRefusedQuickly() {
        assertTimeoutPreemptively(Duration.ofSeconds(2), () -> {
            assertEquals("fps is out of range", refusal(() -> body("{\"fps\":1e999999999}").optionalInt("fps")));
            assertEquals("fps must be an integer", refusal(() -> body("{\"fps\":1e-999999999}").optionalInt("fps")));
            assertEquals("x must be between 0 and 10",
                    refusal(() -> body("{\"x\":1e999999999}").optionalNumber("x", 0, 10)));
            body("{\"a\":1e999999999,\"b\":1e-999999999,\"c\":123456789e999999990}").canonicalHash("t");
        });
    }

    @Test
    void nullIsAbsentForEveryOptionalReader() {
        JsonBody body = body("{\"a\":null}");
        assertEquals(Optional.empty(), body.optionalInt("a"));
        assertEquals(Optional.empty(), body.optionalLong("a"));
        assertEquals(Optional.empty(), body.optionalString("a", 5));
        assertEquals(Optional.empty(), body.optionalNumber("a", 0, 1));
        assertEquals(Optional.empty(), body.optionalBoolean("a"));
        assertEquals(Optional.empty(), body.optionalStrings("a", 1, 1));
        assertFalse(body.has("a"));
        assertEquals("a is required", refusal(() -> body.requiredInt("a")));
        assertEquals("a is required", refusal(() -> body.requiredString("a", 5)));
    }

    @Test
    void theCanonicalHashTreatsAnIntegralFloatAsItsIntegerAndNullAsAbsent() {
        byte[] plain = body("{\"duration\":6,\"prompt\":\"x\"}").canonicalHash("t");
        assertArrayEquals(plain, body("{\"duration\":6.0,\"prompt\":\"x\"}").canonicalHash("t"));
        assertArrayEquals(plain, body("{\"duration\":6E0,\"prompt\":\"x\",\"fps\":null}").canonicalHash("t"));
        assertArrayEquals(plain, body("{\"prompt\":\"x\",\"duration\":0.6e1}").canonicalHash("t"));
        assertArrayEquals(body("{\"g\":6.5}").canonicalHash("t"), body("{\"g\":6.50}").canonicalHash("t"));
        assertArrayEquals(body("{\"a\":1e400}").canonicalHash("t"), body("{\"a\":10e399}").canonicalHash("t"));
        assertArrayEquals(body("{\"o\":{\"a\":1}}").canonicalHash("t"), body("{\"o\":{\"a\":1.0,\"b\":null}}")
                .canonicalHash("t"));

        assertDifferent(plain, body("{\"duration\":6.0000000000000001,\"prompt\":\"x\"}").canonicalHash("t"));
        assertDifferent(plain, body("{\"duration\":7,\"prompt\":\"x\"}").canonicalHash("t"));
        assertDifferent(plain, body("{\"duration\":\"6\",\"prompt\":\"x\"}").canonicalHash("t"));
        assertDifferent(plain, body("{\"duration\":6,\"prompt\":\"x\",\"fps\":24}").canonicalHash("t"));
        assertDifferent(plain, body("{\"duration\":6,\"prompt\":\"x\"}").canonicalHash("u"));
        // An array keeps its nulls: they hold a position.
        assertDifferent(body("{\"a\":[1]}").canonicalHash("t"), body("{\"a\":[1,null]}").canonicalHash("t"));
        assertArrayEquals(body("{\"a\":[1,null]}").canonicalHash("t"), body("{\"a\":[1.0,null]}").canonicalHash("t"));
    }

    @Test
    void theCanonicalFormOfABodyWithoutFloatsOrNullsIsUnchanged() {
        // Keys remembered before this rule (24 h) must still match: integers, strings and booleans hash as before.
        byte[] expected = sha256("t\0{\"duration\":8,\"generate_audio\":true,\"model\":\"m\",\"prompt\":\"p\"}");
        assertArrayEquals(expected,
                body("{\"prompt\":\"p\",\"model\":\"m\",\"duration\":8,\"generate_audio\":true}").canonicalHash("t"));
        assertArrayEquals(sha256("t\0{\"g\":6.5}"), body("{\"g\":6.5}").canonicalHash("t"));
    }

    private static byte[] sha256(String text) {
        try {
            return java.security.MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void assertDifferent(byte[] a, byte[] b) {
        assertFalse(java.util.Arrays.equals(a, b), "expected different hashes");
    }
}
