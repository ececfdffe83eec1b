package io.vidgate.jobs;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.vidgate.testing.Api;
import io.vidgate.testing.MediaFixtures;
import io.vidgate.testing.QueueTest;
import io.vidgate.testing.TestDatabase;
import io.vidgate.testing.Worker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * Request shapes that clients of the hosted LTX API send (docs/api.md conventions, 2.1, 2.7, 2.10), on every create
 * endpoint and on estimate: integral floats where an integer is required, {@code null} for an optional field,
 * {@code aspect_ratio} and {@code enhance_prompt}, and idempotent retries that differ only in these. Each refusal
 * changes nothing (balance and job list checked); each accepted value reaches the worker in the lease's inputs.
 * Bodies are written as raw JSON so that every number is sent exactly as a client would write it.
 */
@QuarkusTest
@QuarkusTestResource(TestDatabase.class)
class ClientShapesTest extends QueueTest {

    private static final long CREDITS = 100_000;
    private static final String IMAGE = "https://images.example.com/first.png";
    private static final Map<String, String> AUDIO = Map.of("audio_uri",
            quote(MediaFixtures.inline("audio/wav", "audio-3s.wav")), "prompt", quote("A band on a rooftop"));
    private static final String VIDEO = quote(MediaFixtures.inline("video/mp4", "video-landscape.mp4"));

    private final Worker worker = new Worker("shapes-worker");

    // ---- bodies ---------------------------------------------------------------------------------------------

    /** A valid body of each type, field -> raw JSON value, in a stable order. */
    static Map<String, String> base(String type) {
        Map<String, String> body = new LinkedHashMap<>();
        switch (type) {
            case "text-to-video", "image-to-video" -> {
                body.put("prompt", quote("A lighthouse at dusk"));
                body.put("model", quote("ltx-2-3-pro"));
                body.put("duration", "8");
                body.put("resolution", quote("1920x1080"));
                if (type.equals("image-to-video")) {
                    body.put("image_uri", quote(IMAGE));
                }
            }
            case "audio-to-video" -> body.putAll(new java.util.TreeMap<>(AUDIO));
            case "retake" -> {
                body.put("video_uri", VIDEO);
                body.put("start_time", "0");
                body.put("duration", "2");
                body.put("prompt", quote("The same street at night"));
            }
            case "extend" -> {
                body.put("video_uri", VIDEO);
                body.put("duration", "4");
            }
            default -> throw new IllegalArgumentException(type);
        }
        return body;
    }

    /** The base body of the type with fields replaced (raw JSON), added, or removed (value {@code null}). */
    static String body(String type, String... overrides) {
        Map<String, String> body = base(type);
        for (int i = 0; i < overrides.length; i += 2) {
            if (overrides[i + 1] == null) {
                body.remove(overrides[i]);
            } else {
                body.put(overrides[i], overrides[i + 1]);
            }
        }
        StringBuilder json = new StringBuilder("{");
        body.forEach((field, value) -> json.append(json.length() > 1 ? "," : "").append(quote(field)).append(':')
                .append(value));
        return json.append('}').toString();
    }

    static String estimateOf(String type, String createBody) {
        return "{\"type\":" + quote(type) + "," + createBody.substring(1);
    }

    static String quote(String text) {
        return "\"" + text + "\"";
    }

    private static Api.TestAccount account() {
        return Api.account(CREDITS, 50);
    }

    /** Creates the job (202) and checks that estimate prices the same body as create did. */
    private static JsonPath create(Api.TestAccount account, String type, String body) {
        JsonPath job = account.json().body(body).post("/v2/" + type).then().statusCode(202).extract().jsonPath();
        int estimated = account.json().body(estimateOf(type, body)).post("/v2/estimate").then().statusCode(200)
                .extract().path("credits");
        assertEquals(job.getInt("credits.estimated"), estimated, "estimate agrees with create for " + body);
        return job;
    }

    /** A 400 with this message on create and on estimate, and nothing held or created. */
    private static void assertRefused(Api.TestAccount account, String type, String body, String message) {
        Api.assertError(account.json().body(body).post("/v2/" + type).then(), 400, "invalid_request_error", message);
        Api.assertError(account.json().body(estimateOf(type, body)).post("/v2/estimate").then(), 400,
                "invalid_request_error", message);
        assertNothingHeld(account);
    }

    private static void assertNothingHeld(Api.TestAccount account) {
        account.as().get("/v2/balance").then().body("available", equalTo((int) CREDITS)).body("reserved", equalTo(0));
        account.as().get("/v2/jobs").then().body("data.size()", equalTo(0));
    }

    /** Leases the one pending job of this type and returns its lease (job, inputs). */
    private JsonPath lease(String type, String jobId) {
        JsonPath lease = Worker.api().body(Map.of("worker_id", worker.id(), "types", List.of(type)))
                .post("/internal/jobs/lease").then().statusCode(200).body("jobs.size()", equalTo(1))
                .body("jobs[0].job.id", equalTo(jobId)).extract().jsonPath();
        return lease.setRootPath("jobs[0]");
    }

    // ---- 1. integral floats ---------------------------------------------------------------------------------

    static Stream<Arguments> integralFloats() {
        return Stream.of(
                Arguments.of("text-to-video", new String[] {"duration", "8.0", "fps", "24.0"}, 8, 24),
                Arguments.of("text-to-video", new String[] {"duration", "0.8e1", "fps", "2.4E1"}, 8, 24),
                Arguments.of("text-to-video", new String[] {"duration", "10.000", "fps", "50.0"}, 10, 50),
                Arguments.of("image-to-video", new String[] {"duration", "6.0", "fps", "25.0"}, 6, 25),
                Arguments.of("extend", new String[] {"duration", "4.0"}, 4, 24),
                Arguments.of("extend", new String[] {"duration", "40e-1", "context", "1.0"}, 4, 24),
                Arguments.of("retake", new String[] {"start_time", "1.0", "duration", "2.0"}, 2, 24),
                Arguments.of("audio-to-video", new String[] {"guidance_scale", "7.0"}, 3, 25));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("integralFloats")
    void anIntegralFloatIsAcceptedWhereAnIntegerIsRequired(String type, String[] overrides, int duration, int fps) {
        Api.TestAccount account = account();
        JsonPath job = create(account, type, body(type, overrides));
        assertEquals(duration, job.getInt("duration"));
        assertEquals(fps, job.getInt("fps"));
        // The same body with plain integers is priced the same.
        String plain = body(type, integers(overrides));
        int estimated = account.json().body(estimateOf(type, plain)).post("/v2/estimate").then().statusCode(200)
                .extract().path("credits");
        assertEquals(job.getInt("credits.estimated"), estimated);
    }

    private static String[] integers(String[] overrides) {
        String[] plain = overrides.clone();
        for (int i = 1; i < plain.length; i += 2) {
            plain[i] = new java.math.BigDecimal(plain[i]).stripTrailingZeros().toPlainString();
        }
        return plain;
    }

    @Test
    void anIntegralFloatReachesTheWorkerAsTheInteger() {
        Api.TestAccount account = account();
        String id = create(account, "text-to-video", body("text-to-video", "duration", "8.0", "fps", "25.0"))
                .getString("id");
        JsonPath lease = lease("text-to-video", id);
        assertEquals(8, lease.getInt("job.duration"));
        assertEquals(25, lease.getInt("job.fps"));
        assertEquals("8", lease.getString("job.duration"), "an integer, not 8.0");
        account.as().post("/v2/jobs/" + id + "/cancel").then().statusCode(200);
    }

    static Stream<Arguments> notIntegers() {
        Stream.Builder<Arguments> cases = Stream.builder();
        for (String type : List.of("text-to-video", "image-to-video")) {
            cases.add(Arguments.of(type, "duration", "8.5", "duration must be an integer"));
            cases.add(Arguments.of(type, "duration", "8.0000000000000001", "duration must be an integer"));
            cases.add(Arguments.of(type, "duration", "7.9999999999999999", "duration must be an integer"));
            cases.add(Arguments.of(type, "duration", "1e-400", "duration must be an integer"));
            cases.add(Arguments.of(type, "duration", "1e10", "duration is out of range"));
            cases.add(Arguments.of(type, "duration", "1e400", "duration is out of range"));
            cases.add(Arguments.of(type, "duration", "-1e400", "duration is out of range"));
            cases.add(Arguments.of(type, "duration", "1e999999999", "duration is out of range"));
            cases.add(Arguments.of(type, "duration", "99999999999999999999", "duration is out of range"));
            cases.add(Arguments.of(type, "duration", "\"8\"", "duration must be an integer"));
            cases.add(Arguments.of(type, "fps", "24.5", "fps must be an integer"));
            cases.add(Arguments.of(type, "fps", "2147483648.0", "fps is out of range"));
            cases.add(Arguments.of(type, "duration", "12.0", "duration must be one of 6, 8, 10 for model ltx-2-3-pro "
                    + "at 1920x1080"));
        }
        cases.add(Arguments.of("extend", "duration", "4.5", "duration must be an integer"));
        cases.add(Arguments.of("extend", "duration", "4.0000000000000001", "duration must be an integer"));
        cases.add(Arguments.of("extend", "duration", "1e10", "duration is out of range"));
        cases.add(Arguments.of("extend", "duration", "1e400", "duration is out of range"));
        cases.add(Arguments.of("extend", "duration", "21.0", "duration must be between 2 and 20"));
        cases.add(Arguments.of("extend", "context", "1e400", "context must be between 1 and 20"));
        cases.add(Arguments.of("retake", "start_time", "1e400", "start_time must be between 0 and 86400"));
        cases.add(Arguments.of("retake", "duration", "-1e400", "duration must be between 2 and 86400"));
        cases.add(Arguments.of("retake", "duration", "1e999999999", "duration must be between 2 and 86400"));
        cases.add(Arguments.of("audio-to-video", "guidance_scale", "1e400", "guidance_scale must be between 1 and 50"));
        return cases.build();
    }

    @ParameterizedTest(name = "{0} {1}={2} -> {3}")
    @MethodSource("notIntegers")
    void aNumberThatIsNotAnAllowedIntegerIsA400NamingTheField(String type, String field, String value,
                                                               String message) {
        assertRefused(account(), type, body(type, field, value), message);
    }

    @Test
    void nonNumericNumbersAreNotJson() {
        Api.TestAccount account = account();
        for (String value : List.of("NaN", "Infinity", "-Infinity", "+8", "08", ".8", "8.")) {
            for (String type : List.of("text-to-video", "extend")) {
                Response create = account.json().body(body(type, "duration", value)).post("/v2/" + type);
                Api.assertError(create.then(), 400, "invalid_request_error")
                        .body("error.message", startsWith("Request body is not valid JSON"));
                Api.assertError(account.json().body(estimateOf(type, body(type, "duration", value)))
                                .post("/v2/estimate").then(), 400, "invalid_request_error")
                        .body("error.message", startsWith("Request body is not valid JSON"));
            }
        }
        for (String value : List.of("\"NaN\"", "\"Infinity\"")) {
            assertRefused(account, "text-to-video", body("text-to-video", "fps", value), "fps must be an integer");
            assertRefused(account, "retake", body("retake", "start_time", value), "start_time must be a number");
        }
        assertNothingHeld(account);
    }

    // ---- 2 and 3. aspect_ratio and enhance_prompt -------------------------------------------------------------

    static Stream<Arguments> matchingAspectRatios() {
        Stream.Builder<Arguments> cases = Stream.builder();
        for (String type : List.of("text-to-video", "image-to-video")) {
            cases.add(Arguments.of(type, "16:9", "1920x1080"));
            cases.add(Arguments.of(type, "9:16", "1080x1920"));
            cases.add(Arguments.of(type, "16:9", "2560x1440"));
            cases.add(Arguments.of(type, "9:16", "1440x2560"));
            cases.add(Arguments.of(type, "16:9", "3840x2160"));
            cases.add(Arguments.of(type, "9:16", "2160x3840"));
        }
        return cases.build();
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("matchingAspectRatios")
    void anAspectRatioThatMatchesTheResolutionIsAcceptedAndReachesTheWorker(String type, String ratio,
                                                                           String resolution) {
        Api.TestAccount account = account();
        String id = create(account, type, body(type, "aspect_ratio", quote(ratio), "resolution", quote(resolution),
                "duration", "6")).getString("id");
        JsonPath lease = lease(type, id);
        assertEquals(ratio, lease.getString("inputs.aspect_ratio"));
        assertEquals(resolution, lease.getString("job.resolution"));
        account.as().post("/v2/jobs/" + id + "/cancel").then().statusCode(200);
    }

    @Test
    void enhancePromptAndAspectRatioReachTheWorkerAsGivenAndAreAbsentWhenNotGiven() {
        Api.TestAccount account = account();
        String t2v = create(account, "text-to-video", body("text-to-video", "aspect_ratio", "\"9:16\"",
                "resolution", "\"1080x1920\"", "enhance_prompt", "true")).getString("id");
        JsonPath lease = lease("text-to-video", t2v);
        assertEquals(Map.of("prompt", "A lighthouse at dusk", "aspect_ratio", "9:16", "enhance_prompt", true),
                lease.getMap("inputs"));

        String i2v = create(account, "image-to-video", body("image-to-video", "aspect_ratio", "\"16:9\"",
                "enhance_prompt", "false")).getString("id");
        lease = lease("image-to-video", i2v);
        assertEquals(Map.of("prompt", "A lighthouse at dusk", "image_uri", IMAGE, "aspect_ratio", "16:9",
                "enhance_prompt", false), lease.getMap("inputs"));

        String plain = create(account, "text-to-video", body("text-to-video")).getString("id");
        lease = lease("text-to-video", plain);
        assertEquals(Map.of("prompt", "A lighthouse at dusk"), lease.getMap("inputs"));

        for (String id : List.of(t2v, i2v, plain)) {
            account.as().post("/v2/jobs/" + id + "/cancel").then().statusCode(200);
        }
    }

    static Stream<Arguments> badAspectRatiosAndEnhancePrompts() {
        Stream.Builder<Arguments> cases = Stream.builder();
        String allowed = "aspect_ratio must be one of 16:9, 9:16";
        for (String type : List.of("text-to-video", "image-to-video")) {
            for (String value : List.of("\"1:1\"", "\"4:3\"", "\"16:10\"", "\"21:9\"", "\"\"", "\"16/9\"", "\" 16:9\"",
                    "\"1920x1080\"")) {
                cases.add(Arguments.of(type, new String[] {"aspect_ratio", value}, allowed));
            }
            cases.add(Arguments.of(type, new String[] {"aspect_ratio", "1.7777"}, "aspect_ratio must be a string"));
            cases.add(Arguments.of(type, new String[] {"aspect_ratio", "[\"16:9\"]"}, "aspect_ratio must be a string"));
            cases.add(Arguments.of(type, new String[] {"aspect_ratio", "\"9:16\""},
                    "aspect_ratio 9:16 does not match resolution 1920x1080, which is 16:9"));
            cases.add(Arguments.of(type, new String[] {"aspect_ratio", "\"16:9\"", "resolution", "\"1080x1920\""},
                    "aspect_ratio 16:9 does not match resolution 1080x1920, which is 9:16"));
            cases.add(Arguments.of(type, new String[] {"aspect_ratio", "\"9:16\"", "resolution", "\"3840x2160\""},
                    "aspect_ratio 9:16 does not match resolution 3840x2160, which is 16:9"));
            // A landscape-only model: 9:16 contradicts the only resolutions it has.
            cases.add(Arguments.of(type, new String[] {"aspect_ratio", "\"9:16\"", "model", "\"ltx-2-pro\""},
                    "aspect_ratio 9:16 does not match resolution 1920x1080, which is 16:9"));
            // The resolution is checked first: an unknown one is named as such, whatever the aspect ratio.
            cases.add(Arguments.of(type, new String[] {"aspect_ratio", "\"1:1\"", "resolution", "\"1080x1080\""},
                    "resolution must be one of 1920x1080, 1080x1920, 2560x1440, 1440x2560, 3840x2160, 2160x3840 "
                            + "for model ltx-2-3-pro"));
            for (String value : List.of("\"true\"", "1", "0", "\"yes\"", "{}")) {
                cases.add(Arguments.of(type, new String[] {"enhance_prompt", value},
                        "enhance_prompt must be a boolean"));
            }
        }
        for (String type : List.of("audio-to-video", "retake", "extend")) {
            cases.add(Arguments.of(type, new String[] {"aspect_ratio", "\"16:9\""}, "Unknown parameter: aspect_ratio"));
            cases.add(Arguments.of(type, new String[] {"enhance_prompt", "true"}, "Unknown parameter: enhance_prompt"));
        }
        return cases.build();
    }

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @MethodSource("badAspectRatiosAndEnhancePrompts")
    void aBadAspectRatioOrEnhancePromptIsA400NamingTheField(String type, String[] overrides, String message) {
        assertRefused(account(), type, body(type, overrides), message);
    }

    // ---- 4. null is absent ----------------------------------------------------------------------------------

    static Stream<Arguments> optionalFields() {
        return Stream.of(
                Arguments.of("text-to-video", List.of("fps", "generate_audio", "camera_motion", "webhook_url",
                        "aspect_ratio", "enhance_prompt")),
                Arguments.of("image-to-video", List.of("fps", "generate_audio", "camera_motion", "webhook_url",
                        "aspect_ratio", "enhance_prompt", "last_frame_uri")),
                Arguments.of("audio-to-video", List.of("image_uri", "resolution", "guidance_scale", "model",
                        "webhook_url")),
                Arguments.of("retake", List.of("mode", "resolution", "model", "webhook_url")),
                Arguments.of("extend", List.of("prompt", "mode", "context", "model", "webhook_url")));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("optionalFields")
    void nullForAnOptionalFieldIsTheSameAsAbsent(String type, List<String> fields) {
        Api.TestAccount account = account();
        JsonPath absent = create(account, type, body(type));
        // One field null at a time, then all of them at once: each is the job without the field.
        for (int i = 0; i <= fields.size(); i++) {
            List<String> nulls = i < fields.size() ? List.of(fields.get(i)) : fields;
            String[] overrides = nulls.stream().flatMap(f -> Stream.of(f, "null")).toArray(String[]::new);
            JsonPath job = create(account, type, body(type, overrides));
            for (String field : List.of("model", "duration", "resolution", "fps", "generate_audio",
                    "credits.estimated")) {
                assertEquals(absent.getString(field), job.getString(field), field + " with " + nulls + " null");
            }
            account.as().post("/v2/jobs/" + job.getString("id") + "/cancel").then().statusCode(200);
        }
        account.as().post("/v2/jobs/" + absent.getString("id") + "/cancel").then().statusCode(200);
    }

    @Test
    void nullForAnOptionalFieldReachesTheWorkerAsAbsent() {
        Api.TestAccount account = account();
        String id = create(account, "image-to-video", body("image-to-video", "camera_motion", "null",
                "last_frame_uri", "null", "aspect_ratio", "null", "enhance_prompt", "null", "fps", "null"))
                .getString("id");
        JsonPath lease = lease("image-to-video", id);
        assertEquals(Map.of("prompt", "A lighthouse at dusk", "image_uri", IMAGE), lease.getMap("inputs"));
        assertEquals(24, lease.getInt("job.fps"));
        account.as().post("/v2/jobs/" + id + "/cancel").then().statusCode(200);
    }

    @Test
    void audioToVideoWithANullPromptNeedsItsImage() {
        Api.TestAccount account = account();
        String image = quote(MediaFixtures.inline("image/png", "image-portrait.png"));
        JsonPath job = create(account, "audio-to-video", body("audio-to-video", "prompt", "null", "image_uri", image));
        assertEquals("1080x1920", job.getString("resolution"));
        account.as().post("/v2/jobs/" + job.getString("id") + "/cancel").then().statusCode(200);
        Api.TestAccount other = account();
        assertRefused(other, "audio-to-video", body("audio-to-video", "prompt", "null"),
                "image_uri is required when prompt is absent");
        assertRefused(other, "audio-to-video", body("audio-to-video", "prompt", "null", "image_uri", "null"),
                "image_uri is required when prompt is absent");
    }

    static Stream<Arguments> requiredNulls() {
        return Stream.of(
                Arguments.of("text-to-video", "prompt"), Arguments.of("text-to-video", "model"),
                Arguments.of("text-to-video", "duration"), Arguments.of("text-to-video", "resolution"),
                Arguments.of("image-to-video", "image_uri"), Arguments.of("image-to-video", "duration"),
                Arguments.of("audio-to-video", "audio_uri"),
                Arguments.of("retake", "video_uri"), Arguments.of("retake", "start_time"),
                Arguments.of("retake", "duration"),
                Arguments.of("extend", "video_uri"), Arguments.of("extend", "duration"));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("requiredNulls")
    void nullForARequiredFieldIsMissing(String type, String field) {
        assertRefused(account(), type, body(type, field, "null"), field + " is required");
    }

    @Test
    void aRetakeWithoutAPromptIsAcceptedAsOnTheHostedApiAndTheWorkerGetsNone() {
        Api.TestAccount account = account();
        for (String body : List.of(body("retake", "prompt", null), body("retake", "prompt", "null"))) {
            String id = create(account, "retake", body).getString("id");
            JsonPath lease = lease("retake", id);
            assertEquals(false, lease.getMap("inputs").containsKey("prompt"), "no prompt input: " + body);
            worker.complete(id, lease.getString("lease.token")).statusCode(200);
        }
    }

    @Test
    void anEstimateWithANullTypeHasNoType() {
        Api.TestAccount account = account();
        Api.assertError(account.json().body("{\"type\":null," + body("text-to-video").substring(1))
                .post("/v2/estimate").then(), 400, "invalid_request_error", "type is required");
        assertNothingHeld(account);
    }

    // ---- 5. idempotency -------------------------------------------------------------------------------------

    @Test
    void aRetryThatDiffersOnlyInIntegralFloatsOrNullsIsReplayed() {
        Api.TestAccount account = account();
        String first = account.json().header("Idempotency-Key", "shapes-1").body(body("text-to-video"))
                .post("/v2/text-to-video").then().statusCode(202).header("Idempotent-Replayed", (String) null)
                .extract().path("id");
        for (String retry : List.of(
                body("text-to-video", "duration", "8.0"),
                body("text-to-video", "duration", "0.8E1", "fps", "null", "webhook_url", "null"),
                body("text-to-video", "aspect_ratio", "null", "enhance_prompt", "null", "camera_motion", "null"))) {
            account.json().header("Idempotency-Key", "shapes-1").body(retry).post("/v2/text-to-video").then()
                    .statusCode(202).header("Idempotent-Replayed", "true").body("id", equalTo(first));
        }
        // A different value is a different request, also when it is only the default made explicit.
        for (String other : List.of(body("text-to-video", "duration", "10.0"),
                body("text-to-video", "fps", "24"), body("text-to-video", "enhance_prompt", "false"))) {
            Api.assertError(account.json().header("Idempotency-Key", "shapes-1").body(other).post("/v2/text-to-video")
                    .then(), 400, "invalid_request_error",
                    "Idempotency-Key was already used with a different request body");
        }
        // A body that breaks a rule is refused for that rule, before the key is looked at.
        Api.assertError(account.json().header("Idempotency-Key", "shapes-1").body(body("text-to-video", "duration",
                "8.5")).post("/v2/text-to-video").then(), 400, "invalid_request_error", "duration must be an integer");
        account.as().get("/v2/jobs").then().body("data.size()", equalTo(1));
        account.as().get("/v2/balance").then().body("reserved", equalTo(64));
        account.as().post("/v2/jobs/" + first + "/cancel").then().statusCode(200);
    }

    @Test
    void aMediaJobRetryWithIntegralFloatsAndNullsIsReplayed() {
        Api.TestAccount account = account();
        String first = account.json().header("Idempotency-Key", "shapes-extend").body(body("extend"))
                .post("/v2/extend").then().statusCode(202).extract().path("id");
        account.json().header("Idempotency-Key", "shapes-extend")
                .body(body("extend", "duration", "4.0", "prompt", "null", "context", "null", "mode", "null"))
                .post("/v2/extend").then().statusCode(202).header("Idempotent-Replayed", "true")
                .body("id", equalTo(first));
        account.as().get("/v2/jobs").then().body("data.size()", equalTo(1));
        account.as().post("/v2/jobs/" + first + "/cancel").then().statusCode(200);
    }

    @Test
    void adminCreditsTakeAnIntegralFloatAndReplayItAsTheInteger() {
        Api.TestAccount account = account();
        String entry = Api.admin().header("Idempotency-Key", "grant-100").body("{\"amount\":100}")
                .post("/admin/accounts/" + account.id() + "/credits").then().statusCode(201).extract().path("id");
        Api.admin().header("Idempotency-Key", "grant-100").body("{\"amount\":100.0,\"description\":null}")
                .post("/admin/accounts/" + account.id() + "/credits").then().statusCode(201)
                .header("Idempotent-Replayed", "true").body("id", equalTo(entry));
        Api.admin().body("{\"amount\":1e2}").post("/admin/accounts/" + account.id() + "/credits").then()
                .statusCode(201).body("amount", equalTo(100));
        Api.assertError(Api.admin().body("{\"amount\":100.5}").post("/admin/accounts/" + account.id() + "/credits")
                .then(), 400, "invalid_request_error", "amount must be an integer");
        Api.assertError(Api.admin().body("{\"amount\":1e400}").post("/admin/accounts/" + account.id() + "/credits")
                .then(), 400, "invalid_request_error", "amount is out of range");
        account.as().get("/v2/balance").then().body("available", equalTo((int) CREDITS + 200));
    }

    @Test
    void theWorkerApiTakesIntegralFloatsToo() {
        Api.TestAccount account = account();
        String id = create(account, "text-to-video", body("text-to-video")).getString("id");
        JsonPath leased = Worker.api().body("{\"worker_id\":\"" + worker.id() + "\",\"max_jobs\":1.0,"
                + "\"lease_seconds\":60.0,\"types\":null}").post("/internal/jobs/lease").then().statusCode(200)
                .body("jobs.size()", equalTo(1)).body("jobs[0].job.id", equalTo(id)).extract().jsonPath();
        String token = leased.getString("jobs[0].lease.token");
        Worker.api().body("{\"lease_token\":\"" + token + "\",\"progress\":50.0}")
                .post("/internal/jobs/" + id + "/heartbeat").then().statusCode(200);
        account.as().get("/v2/jobs/" + id).then().body("progress", equalTo(50));
        Api.assertError(Worker.api().body("{\"lease_token\":\"" + token + "\",\"progress\":50.5}")
                        .post("/internal/jobs/" + id + "/heartbeat").then(), 400, "invalid_request_error",
                "progress must be an integer");
        worker.complete(id, token).statusCode(200);
    }

    @Test
    void theHelpersOfThisTestBuildWhatTheySay() {
        // Guards the raw-JSON builder the other tests rely on: an override replaces, adds or removes a field.
        assertEquals("{\"video_uri\":" + VIDEO + ",\"duration\":4.0}", body("extend", "duration", "4.0"));
        assertFalse(body("text-to-video", "fps", null).contains("fps"));
        assertNotEquals(body("text-to-video"), body("text-to-video", "fps", "null"));
    }
}
