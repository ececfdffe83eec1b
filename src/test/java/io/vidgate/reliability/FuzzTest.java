package io.vidgate.reliability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vidgate.testing.Api;
import io.vidgate.testing.Invariants;
import io.vidgate.testing.Queue;
import io.vidgate.testing.TestDatabase;
import io.vidgate.testing.Worker;
import io.vidgate.testing.Sweepers;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Seeded fuzzing of every endpoint's body, headers and path parameters: random JSON, mutations of valid bodies
 * (wrong types, huge numbers, unknown and duplicate keys, missing fields), deep nesting, odd Unicode, control
 * characters, very long strings, invalid base64 and data URIs, odd Content-Type, Authorization, Idempotency-Key
 * and x-request-id headers, and odd ids in paths. Every answer must be below 500; every error must be exactly the
 * envelope; and a refused request must leave the database as it was (the rate limiter's own row aside, which
 * docs/api.md says every authenticated request counts against). Seed: -Dreliability.fuzz.seed=N; count: -Dreliability.fuzz.requests=N.
 */
@QuarkusTest
@QuarkusTestResource(TestDatabase.class)
class FuzzTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PNG = "data:image/png;base64," + Base64.getEncoder().encodeToString(
            new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n', 0, 0, 0, 13});
    private static final String[] ODD_STRINGS = {
            "", " ", "\u0000", "\u0007\u001b[31m", "\t\r\n", "\u202e\u200b\ufeff", "\ud83d\ude00\ud83c\udfac",
            "\\ud800", "\u00e9\u0301", "\u4e2d\u6587", "null", "true", "0", "-1", "1e309", "NaN", "' OR 1=1 --",
            "<script>alert(1)</script>", "${jndi:ldap://x}", "../../etc/passwd", "%00", "\uffff", "\u0085"};
    private static final String[] NUMBERS = {
            "0", "-0", "-1", "1", "8", "8.0", "8.5", "1e1", "-1e309", "1e309", "9223372036854775807",
            "9223372036854775808", "-9223372036854775809", "99999999999999999999999999999999999999999",
            "1" + "0".repeat(150), "0.000000000000000000001", "2147483648", "-2147483648"};

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final Map<String, Long> counts = new TreeMap<>();

    @Inject
    Sweepers sweepers;

    private Random random;
    private Connection db;
    private Api.TestAccount account;
    private String jobId;
    private String keyId;

    /** One endpoint: method, path with {id}, who may call it, and a valid body to mutate (or null). */
    private record Endpoint(String method, String path, String auth, Map<String, Object> body) {
    }

    @Test
    void noInputMakesA500OrAnErrorOutsideTheEnvelopeOrAWriteOnRefusal() throws Exception {
        long seed = Long.getLong("reliability.fuzz.seed", System.nanoTime());
        int requests = Integer.getInteger("reliability.fuzz.requests", 400);
        System.out.println("RELIABILITY fuzz seed " + seed + " (replay: -Dreliability.fuzz.seed=" + seed + ")");
        random = new Random(seed);
        Queue.drain(sweepers);
        account = Api.account(1_000_000, 1000);
        Api.admin().body(Map.of("rate_limit_per_minute", 100000)).patch("/admin/accounts/" + account.id())
                .then().statusCode(200);
        jobId = account.json().body(Api.T2V_BODY).post("/v2/text-to-video").then().statusCode(202).extract().path("id");
        keyId = Api.admin().post("/admin/accounts/" + account.id() + "/api-keys").then().statusCode(201)
                .extract().path("id");
        List<Endpoint> endpoints = endpoints();
        List<String> failures = new ArrayList<>();
        try (Connection connection = TestDatabase.connect()) {
            db = connection;
            for (int i = 0; i < requests && failures.size() < 10; i++) {
                Endpoint endpoint = endpoints.get(random.nextInt(endpoints.size()));
                fuzzOnce(i, endpoint, failures);
            }
        }
        Report.print("fuzz", seed, counts);
        assertEquals(List.of(), failures, "seed " + seed);
        Invariants.assertHold();
    }

    private List<Endpoint> endpoints() {
        Map<String, Object> t2v = new LinkedHashMap<>(Map.of("prompt", "A lighthouse at dusk", "model", "ltx-2-3-pro",
                "duration", 8, "resolution", "1920x1080"));
        Map<String, Object> i2v = new LinkedHashMap<>(t2v);
        i2v.put("image_uri", PNG);
        Map<String, Object> estimate = new LinkedHashMap<>(t2v);
        estimate.put("type", "text-to-video");
        // the media jobs, with small real media inline (src/test/resources/media)
        String wav = io.vidgate.testing.MediaFixtures.inline("audio/wav", "audio-3s.wav");
        String mp4 = io.vidgate.testing.MediaFixtures.inline("video/mp4", "video-landscape.mp4");
        Map<String, Object> a2v = new LinkedHashMap<>(Map.of("audio_uri", wav, "prompt", "A band on a rooftop",
                "guidance_scale", 7.5));
        Map<String, Object> retake = new LinkedHashMap<>(Map.of("video_uri", mp4, "start_time", 0.5, "duration", 2,
                "prompt", "rain", "mode", "replace_video"));
        Map<String, Object> extend = new LinkedHashMap<>(Map.of("video_uri", mp4, "duration", 4, "context", 1,
                "mode", "end"));
        Map<String, Object> extendEstimate = new LinkedHashMap<>(extend);
        extendEstimate.put("type", "extend");
        return List.of(
                new Endpoint("POST", "/v2/audio-to-video", "key", a2v),
                new Endpoint("POST", "/v2/retake", "key", retake),
                new Endpoint("POST", "/v2/extend", "key", extend),
                new Endpoint("POST", "/v2/estimate", "key", extendEstimate),
                new Endpoint("GET", "/v2/audio-to-video/{id}", "key", null),
                new Endpoint("GET", "/v2/retake/{id}", "key", null),
                new Endpoint("GET", "/v2/extend/{id}", "key", null),
                new Endpoint("POST", "/v2/upload", "key", Map.of("content_type", "audio/wav")),
                new Endpoint("GET", "/internal/uploads/{id}", "worker", null),
                new Endpoint("POST", "/v2/text-to-video", "key", t2v),
                new Endpoint("POST", "/v2/image-to-video", "key", i2v),
                new Endpoint("POST", "/v2/estimate", "key", estimate),
                new Endpoint("GET", "/v2/jobs/{id}", "key", null),
                new Endpoint("GET", "/v2/text-to-video/{id}", "key", null),
                new Endpoint("GET", "/v2/image-to-video/{id}", "key", null),
                new Endpoint("GET", "/v2/jobs?status={id}&limit={id}&after={id}", "key", null),
                new Endpoint("POST", "/v2/jobs/{id}/cancel", "key", null),
                new Endpoint("GET", "/v2/balance", "key", null),
                new Endpoint("GET", "/v2/ledger?limit={id}&after={id}", "key", null),
                new Endpoint("GET", "/v2/models", "none", null),
                new Endpoint("POST", "/admin/accounts", "admin", Map.of("name", "fuzz", "concurrency_limit", 2)),
                new Endpoint("GET", "/admin/accounts/{id}", "admin", null),
                new Endpoint("PATCH", "/admin/accounts/{id}", "admin", Map.of("concurrency_limit", 1000)),
                new Endpoint("POST", "/admin/accounts/{id}/api-keys", "admin", Map.of("name", "k")),
                new Endpoint("GET", "/admin/accounts/{id}/api-keys", "admin", null),
                new Endpoint("DELETE", "/admin/api-keys/{id}", "admin", null),
                new Endpoint("POST", "/admin/accounts/{id}/credits", "admin", Map.of("amount", 5)),
                new Endpoint("POST", "/internal/jobs/lease", "worker", Map.of("worker_id", "fuzz", "max_jobs", 1,
                        "lease_seconds", 3600, "types", List.of("image-to-video"), "models", List.of("none"))),
                new Endpoint("POST", "/internal/jobs/{id}/heartbeat", "worker",
                        Map.of("lease_token", UUID.randomUUID().toString(), "progress", 5)),
                new Endpoint("POST", "/internal/jobs/{id}/complete", "worker",
                        Map.of("lease_token", UUID.randomUUID().toString(), "video_url", "https://cdn.example.com/v.mp4")),
                new Endpoint("POST", "/internal/jobs/{id}/fail", "worker",
                        Map.of("lease_token", UUID.randomUUID().toString(), "retryable", false,
                                "error", Map.of("type", "gpu_error", "message", "oom"))));
    }

    private void fuzzOnce(int i, Endpoint endpoint, List<String> failures) throws Exception {
        String path = endpoint.path().replace("{id}", pathParam(endpoint));
        String body = endpoint.body() == null && random.nextInt(3) > 0 ? null : body(endpoint.body());
        HttpRequest request;
        try {
            HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(Api.PUBLIC_URL + path))
                    .timeout(Duration.ofSeconds(30))
                    .method(endpoint.method(), body == null ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
            headers(builder, endpoint);
            request = builder.build();
        } catch (IllegalArgumentException e) {
            count("not_sendable_by_the_client");
            return; // the HTTP client itself refuses this header or URI: nothing reached the service
        }
        String before = snapshot();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException closed) {
            // A pooled keep-alive connection can be closed by the server just as it is reused (seen once in a full
            // verify, not reproducible with the same seed alone). Send the same request once more: a server that
            // really drops this input drops it again, and that fails the test.
            count("retried_after_a_closed_connection");
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        }
        int status = response.statusCode();
        count("requests");
        count("status_" + status);
        String what = "#" + i + " " + endpoint.method() + " " + path + " body=" + abbreviate(body) + " -> " + status
                + " " + abbreviate(response.body());
        if (status >= 500) {
            failures.add("5xx: " + what);
        }
        if (status >= 400) {
            if (isServerLimitOutsideTheApp(status, endpoint.method(), path, request)) {
                // Known gap (see the README, Reliability): Vert.x answers these in its HTTP codec, before any
                // handler of the application runs, with an empty body. Still never a 500 and never a write.
                count("bare_" + status + "_from_the_http_codec");
            } else if (!isEnvelope(response.body())) {
                failures.add("not the envelope: " + what);
            }
            String after = snapshot();
            if (!before.equals(after)) {
                failures.add("refused but wrote (" + before + " -> " + after + "): " + what);
            }
        }
    }

    /** A request line over Vert.x's 4096 bytes (414) or headers over its 8192 bytes (431). */
    private static boolean isServerLimitOutsideTheApp(int status, String method, String path, HttpRequest request) {
        int headers = request.headers().map().entrySet().stream()
                .mapToInt(e -> e.getKey().length() + e.getValue().stream().mapToInt(String::length).sum() + 4).sum();
        return (status == 414 && method.length() + path.length() + 10 > 4096) || (status == 431 && headers > 8192 - 200);
    }

    private String pathParam(Endpoint endpoint) {
        String id = endpoint.path().contains("api-keys/{id}") ? keyId
                : endpoint.path().startsWith("/admin") ? account.id() : jobId;
        return switch (random.nextInt(10)) {
            case 0, 1, 2 -> id;
            case 3 -> UUID.randomUUID().toString();
            case 4 -> id.toUpperCase();
            case 5 -> "%00";
            case 6 -> "x".repeat(1 + random.nextInt(5000));
            case 7 -> id + "%2F..";
            default -> URLEncoder.encode(oddString(), StandardCharsets.UTF_8);
        };
    }

    private String body(Map<String, Object> valid) throws Exception {
        return switch (random.nextInt(12)) {
            case 0 -> randomJson(0);
            case 1 -> deep(random.nextBoolean() ? "[" : "{\"a\":", random.nextBoolean() ? "]" : "}",
                    new int[] {63, 65, 200, 5000, 100_000}[random.nextInt(5)]);
            case 2 -> garbage();
            case 3 -> duplicateKey(valid);
            case 4 -> {
                String json = valid == null ? "{}" : JSON.writeValueAsString(valid);
                yield json.substring(0, random.nextInt(json.length() + 1)); // truncated
            }
            default -> mutate(valid);
        };
    }

    /** A valid body with one to three fields removed, replaced by a value of any type, or added. */
    private String mutate(Map<String, Object> valid) throws Exception {
        Map<String, Object> body = valid == null ? new LinkedHashMap<>() : new LinkedHashMap<>(valid);
        StringBuilder raw = new StringBuilder();
        for (int n = 1 + random.nextInt(3); n > 0; n--) {
            List<String> keys = new ArrayList<>(body.keySet());
            int dice = random.nextInt(10);
            if (dice < 2 && !keys.isEmpty()) {
                body.remove(keys.get(random.nextInt(keys.size())));
            } else if (dice < 8 && !keys.isEmpty()) {
                String key = keys.get(random.nextInt(keys.size()));
                body.put(key, new RawJson(randomValue(2)));
            } else if (dice < 9) {
                body.put(random.nextBoolean() ? "seed" : oddString(), new RawJson(randomValue(1)));
            } else {
                body.put(random.nextBoolean() ? "image_uri" : "last_frame_uri", badUri());
            }
        }
        raw.append('{');
        Iterator<Map.Entry<String, Object>> it = body.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<String, Object> e = it.next();
            raw.append(JSON.writeValueAsString(e.getKey())).append(':');
            raw.append(e.getValue() instanceof RawJson r ? r.json() : JSON.writeValueAsString(e.getValue()));
            if (it.hasNext()) {
                raw.append(',');
            }
        }
        return raw.append('}').toString();
    }

    private record RawJson(String json) {
    }

    private String duplicateKey(Map<String, Object> valid) throws Exception {
        String json = JSON.writeValueAsString(valid == null ? Map.of("name", "a") : valid);
        String first = (valid == null ? Map.of("name", "a") : valid).keySet().iterator().next();
        return json.substring(0, json.length() - 1) + "," + JSON.writeValueAsString(first) + ":" + randomValue(1) + "}";
    }

    private String badUri() {
        return switch (random.nextInt(12)) {
            case 0 -> "data:image/png;base64,%%%not-base64%%%";
            case 1 -> "data:image/png;base64,";
            case 2 -> "data:image/gif;base64,R0lGODlhAQABAAAAACw=";
            case 3 -> "data:image/png,plain";
            case 4 -> "data:;base64,AAAA";
            case 5 -> "data:image/jpeg;base64," + PNG.substring(PNG.indexOf(',') + 1);
            case 6 -> "data:image/png;base64," + "A".repeat(1 + random.nextInt(200_000)) + "=";
            case 7 -> "https://1.2.3.4/a.png";
            case 8 -> "https://user:pw@example.com/a.png";
            case 9 -> "https://example.com/" + "a".repeat(3000);
            case 10 -> "javascript:alert(1)";
            default -> "data:image/webp;base64,UklGRg==";
        };
    }

    private String randomJson(int depth) {
        return randomValue(3 + depth);
    }

    private String randomValue(int depth) {
        int dice = random.nextInt(depth <= 0 ? 5 : 7);
        return switch (dice) {
            case 0 -> NUMBERS[random.nextInt(NUMBERS.length)];
            case 1 -> quote(oddString());
            case 2 -> random.nextBoolean() ? "true" : "false";
            case 3 -> "null";
            case 4 -> quote("x".repeat(random.nextInt(3) == 0 ? 100_000 + random.nextInt(100_000) : random.nextInt(300)));
            case 5 -> {
                StringBuilder array = new StringBuilder("[");
                for (int n = random.nextInt(4); n > 0; n--) {
                    array.append(randomValue(depth - 1)).append(n > 1 ? "," : "");
                }
                yield array.append(']').toString();
            }
            default -> {
                StringBuilder object = new StringBuilder("{");
                for (int n = random.nextInt(4); n > 0; n--) {
                    object.append(quote(random.nextBoolean() ? "prompt" : oddString())).append(':')
                            .append(randomValue(depth - 1)).append(n > 1 ? "," : "");
                }
                yield object.append('}').toString();
            }
        };
    }

    private String garbage() {
        return switch (random.nextInt(8)) {
            case 0 -> "";
            case 1 -> "null";
            case 2 -> "\ufeff{}";
            case 3 -> "{\"prompt\":\"a\u0000b\"}";
            case 4 -> "{'prompt': 'single quotes'}";
            case 5 -> "{\"prompt\":\"\\ud800\"}";
            case 6 -> {
                byte[] bytes = new byte[random.nextInt(200)];
                random.nextBytes(bytes);
                yield new String(bytes, StandardCharsets.ISO_8859_1);
            }
            default -> "{\"a\":1}{\"b\":2}";
        };
    }

    private String oddString() {
        return ODD_STRINGS[random.nextInt(ODD_STRINGS.length)];
    }

    private static String deep(String open, String close, int n) {
        return open.repeat(n) + "1" + close.repeat(n);
    }

    private static String quote(String s) {
        try {
            return JSON.writeValueAsString(s);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private void headers(HttpRequest.Builder builder, Endpoint endpoint) {
        String token = switch (endpoint.auth()) {
            case "key" -> account.key();
            case "admin" -> Api.ADMIN_TOKEN;
            case "worker" -> Worker.TOKEN;
            default -> null;
        };
        switch (random.nextInt(16)) {
            case 0 -> {
            }
            case 1 -> builder.header("Authorization", "Bearer");
            case 2 -> builder.header("Authorization", "Basic " + token);
            case 3 -> builder.header("Authorization", "Bearer " + (token == null ? "x" : token) + "x");
            default -> {
                if (token != null) {
                    builder.header("Authorization", "Bearer " + token);
                }
            }
        }
        switch (random.nextInt(8)) {
            case 0 -> {
            }
            case 1 -> builder.header("Content-Type", "text/plain");
            case 2 -> builder.header("Content-Type", "application/json; charset=ISO-8859-1");
            case 3 -> builder.header("Content-Type", "application/xml");
            default -> builder.header("Content-Type", "application/json");
        }
        if (random.nextInt(3) == 0) {
            builder.header("Idempotency-Key", switch (random.nextInt(5)) {
                case 0 -> "k".repeat(256);
                case 1 -> " ";
                case 2 -> "fuzz-" + random.nextInt(5);
                case 3 -> "\u00e9t\u00e9";
                default -> oddString();
            });
        }
        if (random.nextInt(4) == 0) {
            builder.header("x-request-id", switch (random.nextInt(4)) {
                case 0 -> "r".repeat(65);
                case 1 -> "r".repeat(10_000);
                default -> oddString();
            });
        }
    }

    private static boolean isEnvelope(String body) {
        try {
            JsonNode node = JSON.readTree(body);
            return node.isObject() && node.size() == 2 && "error".equals(node.path("type").asText())
                    && node.path("error").isObject() && node.path("error").size() == 2
                    && node.path("error").path("type").isTextual() && node.path("error").path("message").isTextual()
                    && !node.path("error").path("message").asText().isBlank();
        } catch (Exception e) {
            return false;
        }
    }

    /** Everything a request may change, except the rate limiter's state and jobs moving between active states. */
    private String snapshot() throws SQLException {
        try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery("""
                SELECT (SELECT count(*) || '/' || coalesce(sum(available), 0) || '/' || coalesce(sum(reserved), 0)
                               || '/' || coalesce(sum(charged), 0) || '/' || coalesce(sum(concurrency_limit), 0)
                               || '/' || coalesce(sum(rate_limit_per_minute), 0) FROM accounts)
                       || ' keys ' || (SELECT count(*) || '/' || count(revoked_at) FROM api_keys)
                       || ' jobs ' || (SELECT count(*) || '/' || count(*) FILTER (WHERE status NOT IN ('pending', 'processing'))
                                         || '/' || coalesce(sum(progress), 0) FROM jobs)
                       || ' ledger ' || (SELECT count(*) FROM ledger_entries)
                       || ' idem ' || (SELECT count(*) FROM idempotency_keys)
                       || ' hooks ' || (SELECT count(*) FROM webhook_deliveries)""")) {
            rs.next();
            return rs.getString(1);
        }
    }

    private void count(String what) {
        counts.merge(what, 1L, Long::sum);
    }

    private static String abbreviate(String s) {
        if (s == null) {
            return "<none>";
        }
        return s.length() > 200 ? s.substring(0, 200) + "...(" + s.length() + " chars)" : s;
    }
}
