package io.vidgate.jobs;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vidgate.testing.Api;
import io.vidgate.testing.Ledger;
import io.vidgate.testing.MediaFixtures;
import io.vidgate.testing.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;


import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;

/**
 * Audio-to-video, retake and extend end to end with real media (src/test/resources/media): what is read from the
 * media decides the price, the estimate and the hold agree with the catalog (10 credits per second), and every
 * rule that needs the media is a 400 that names the field and changes nothing. Media is sent inline here; the
 * upload and https paths have their own tests.
 */
@QuarkusTest
@QuarkusTestResource(TestDatabase.class)
class MediaJobTest {

    @AfterEach
    void ledgerIsConserved() {
        Ledger.assertConserved();
    }

    private static String inline(String mediaType, String fixture) {
        return MediaFixtures.inline(mediaType, fixture);
    }

    private static String audio(String fixture) {
        return inline("audio/wav", fixture);
    }

    private static String video(String fixture) {
        return inline("video/mp4", fixture);
    }

    private static String estimateOf(String type, String body) {
        return "{\"type\":\"" + type + "\"," + body.substring(1);
    }

    /** Creates the job, checks that the estimate said the same price, and that exactly that is held. */
    private static String createAndCheckPrice(Api.TestAccount account, String type, String body, long credits,
                                              long balanceBefore) {
        account.json().body(estimateOf(type, body)).post("/v2/estimate").then().statusCode(200)
                .body("credits", equalTo((int) credits))
                .body("rate_credits_per_second", equalTo(10))
                .body("billed_seconds", equalTo((int) credits / 10))
                .body("balance.available", equalTo((int) balanceBefore))
                .body("affordable", equalTo(balanceBefore >= credits));
        String id = account.json().body(body).post("/v2/" + type).then().statusCode(202)
                .header("Location", matchesPattern("/v2/" + type + "/[0-9a-f-]{36}"))
                .body("type", equalTo(type))
                .body("status", equalTo("pending"))
                .body("credits.estimated", equalTo((int) credits))
                .body("credits.reserved", equalTo((int) credits))
                .extract().path("id");
        account.as().get("/v2/" + type + "/" + id).then().statusCode(200).body("id", equalTo(id));
        account.as().get("/v2/balance").then().body("available", equalTo((int) (balanceBefore - credits)))
                .body("reserved", equalTo((int) credits));
        account.as().get("/v2/ledger").then().body("data[0].kind", equalTo("reserve"))
                .body("data[0].amount", equalTo((int) -credits)).body("data[0].job_id", equalTo(id));
        return id;
    }

    /** What the worker will be given with the job, as stored. */
    private static io.vertx.core.json.JsonObject inputs(String jobId) {
        try (var connection = TestDatabase.connect();
             var statement = connection.prepareStatement("SELECT inputs::text FROM jobs WHERE id = ?::uuid")) {
            statement.setString(1, jobId);
            try (var rows = statement.executeQuery()) {
                rows.next();
                return new io.vertx.core.json.JsonObject(rows.getString(1));
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void assertRefused(Api.TestAccount account, String type, String body, int status, String errorType,
                                      String message, long balance) {
        Api.assertError(account.json().body(body).post("/v2/" + type).then(), status, errorType, message);
        account.as().get("/v2/balance").then().body("available", equalTo((int) balance)).body("reserved", equalTo(0));
        account.as().get("/v2/jobs").then().body("data.size()", equalTo(0));
    }

    // ---- audio-to-video ------------------------------------------------------------------------------------------

    /** An Idempotency-Key on a media create: the retry answers the same job and holds nothing more. */
    @Test
    void aRetriedMediaCreateWithTheSameKeyIsTheSameJob() {
        Api.TestAccount account = Api.account(1000, 5);
        String body = "{\"audio_uri\":\"" + audio("audio-3s.wav") + "\",\"prompt\":\"x\"}";
        String first = account.json().header("Idempotency-Key", "media-retry-1").body(body)
                .post("/v2/audio-to-video").then().statusCode(202).extract().path("id");
        account.json().header("Idempotency-Key", "media-retry-1").body(body)
                .post("/v2/audio-to-video").then().statusCode(202).body("id", equalTo(first));
        Api.assertError(account.json().header("Idempotency-Key", "media-retry-1")
                        .body("{\"audio_uri\":\"" + audio("audio-3s.wav") + "\",\"prompt\":\"y\"}")
                        .post("/v2/audio-to-video").then(), 400, "invalid_request_error",
                "Idempotency-Key was already used with a different request body");
        account.as().get("/v2/jobs").then().body("data.size()", equalTo(1));
        account.as().get("/v2/balance").then().body("available", equalTo(970)).body("reserved", equalTo(30));
    }

    /** The concurrency limit holds for the media endpoints as for text-to-video: 429, nothing held. */
    @Test
    void aMediaCreateOverTheConcurrencyLimitIs429() {
        Api.TestAccount account = Api.account(1000, 1);
        String body = "{\"audio_uri\":\"" + audio("audio-3s.wav") + "\",\"prompt\":\"x\"}";
        account.json().body(body).post("/v2/audio-to-video").then().statusCode(202);
        Api.assertError(account.json().body(body).post("/v2/audio-to-video").then(), 429,
                "concurrency_limit_error", "Too many concurrent requests. Please try again later.");
        account.as().get("/v2/balance").then().body("available", equalTo(970)).body("reserved", equalTo(30));
    }

    @Test
    void audioToVideoIsBilledPerSecondOfTheAudioAtTwentyFiveFps() {
        Api.TestAccount account = Api.account(1000, 2);
        String body = "{\"audio_uri\":\"" + audio("audio-3s.wav") + "\",\"prompt\":\"A band on a rooftop\"}";
        String id = createAndCheckPrice(account, "audio-to-video", body, 30, 1000);
        account.as().get("/v2/jobs/" + id).then()
                .body("model", equalTo("ltx-2-3-pro"))
                .body("duration", equalTo(3))
                .body("fps", equalTo(25))
                .body("resolution", equalTo("1920x1080"));
    }

    @Test
    void everyStartedSecondOfTheAudioIsBilled() {
        Api.TestAccount account = Api.account(1000, 2);
        // 3.168 s of MP3 (ffprobe): four started seconds
        String body = "{\"audio_uri\":\"" + inline("audio/mpeg", "audio-3s.mp3") + "\",\"prompt\":\"x\"}";
        createAndCheckPrice(account, "audio-to-video", body, 40, 1000);
    }

    @Test
    void aPortraitFirstFrameMakesAPortraitVideoAndRaisesTheGuidance() {
        Api.TestAccount account = Api.account(1000, 2);
        String body = "{\"audio_uri\":\"" + audio("audio-3s.wav") + "\",\"image_uri\":\""
                + inline("image/png", "image-portrait.png") + "\"}";
        String id = createAndCheckPrice(account, "audio-to-video", body, 30, 1000);
        account.as().get("/v2/jobs/" + id).then().body("resolution", equalTo("1080x1920"));
        String landscape = "{\"audio_uri\":\"" + audio("audio-3s.wav") + "\",\"image_uri\":\""
                + inline("image/png", "image-landscape.png") + "\",\"prompt\":\"x\"}";
        Api.TestAccount other = Api.account(1000, 2);
        String second = createAndCheckPrice(other, "audio-to-video", landscape, 30, 1000);
        other.as().get("/v2/jobs/" + second).then().body("resolution", equalTo("1920x1080"));
        io.vertx.core.json.JsonObject job = inputs(id);
        org.junit.jupiter.api.Assertions.assertEquals(9.0, job.getDouble("guidance_scale"));
    }

    @Test
    void audioOutsideTwoToTwentySecondsIsRefused() {
        Api.TestAccount account = Api.account(1000, 2);
        assertRefused(account, "audio-to-video", "{\"audio_uri\":\"" + audio("audio-1s.wav") + "\",\"prompt\":\"x\"}",
                400, "invalid_request_error", "audio_uri must be 2 to 20 seconds long (it is 1.00 s)", 1000);
        assertRefused(account, "audio-to-video", "{\"audio_uri\":\"" + inline("audio/mpeg", "audio-25s.mp3")
                        + "\",\"prompt\":\"x\"}", 400, "invalid_request_error",
                "audio_uri must be 2 to 20 seconds long (it is 25.20 s)", 1000);
    }

    @Test
    void mediaOfTheWrongKindIsRefusedByItsBytesNotItsDeclaredType() {
        Api.TestAccount account = Api.account(1000, 2);
        Api.assertError(account.json().body("{\"audio_uri\":\"" + inline("audio/wav", "image-landscape.png")
                + "\",\"prompt\":\"x\"}").post("/v2/audio-to-video").then(), 400, "invalid_request_error",
                "audio_uri must be an audio file (wav, mp3, m4a or ogg)");
        Api.assertError(account.json().body("{\"audio_uri\":\"" + audio("audio-3s.wav") + "\",\"image_uri\":\""
                + inline("image/png", "video-landscape.mp4") + "\"}").post("/v2/audio-to-video").then(), 400,
                "invalid_request_error", "image_uri content is not a valid image/png image");
        account.as().get("/v2/jobs").then().body("data.size()", equalTo(0));
    }

    @Test
    void aPortraitImageWithALandscapeOnlyModelIsRefused() {
        Api.TestAccount account = Api.account(1000, 2);
        assertRefused(account, "audio-to-video", "{\"audio_uri\":\"" + audio("audio-3s.wav") + "\",\"image_uri\":\""
                        + inline("image/png", "image-portrait.png") + "\",\"model\":\"ltx-2-pro\"}", 400,
                "invalid_request_error", "image_uri is portrait, but model ltx-2-pro makes landscape video only", 1000);
    }

    @Test
    void audioToVideoThatTheBalanceCannotCoverIsA402() {
        Api.TestAccount account = Api.account(29, 2);
        assertRefused(account, "audio-to-video", "{\"audio_uri\":\"" + audio("audio-3s.wav") + "\",\"prompt\":\"x\"}",
                402, "insufficient_funds_error", "Insufficient funds. Required: 30 credits", 29);
    }

    @Test
    void aBlockedPromptIsA422OnEveryMediaEndpoint() {
        Api.TestAccount account = Api.account(1000, 2);
        String filtered = "Content is filtered due to policy restrictions";
        assertRefused(account, "retake", "{\"video_uri\":\"" + video("video-landscape.mp4") + "\",\"start_time\":0,"
                + "\"duration\":2,\"prompt\":\"a snuff film\"}", 422, "content_filtered_error", filtered, 1000);
        assertRefused(account, "extend", "{\"video_uri\":\"" + video("video-landscape.mp4") + "\",\"duration\":2,"
                + "\"prompt\":\"a snuff film\"}", 422, "content_filtered_error", filtered, 1000);
        assertRefused(account, "audio-to-video", "{\"audio_uri\":\"" + audio("audio-3s.wav")
                + "\",\"prompt\":\"a snuff film\"}", 422, "content_filtered_error",
                "Content is filtered due to policy restrictions", 1000);
    }

    // ---- where media comes from ---------------------------------------------------------------------------------

    /** Uploads the fixture through POST /v2/upload and its signed PUT; returns the storage_uri. */
    private static String upload(Api.TestAccount account, String contentType, String fixture) {
        var created = account.json().body("{\"content_type\":\"" + contentType + "\"}").post("/v2/upload")
                .then().statusCode(201).extract();
        io.restassured.RestAssured.given().contentType(contentType).body(MediaFixtures.bytes(fixture))
                .put(created.<String>path("upload_url")).then().statusCode(200);
        return created.path("storage_uri");
    }

    @Test
    void mediaCanBeAnUploadOfTheAccountButNotOfAnother() {
        Api.TestAccount account = Api.account(1000, 2);
        String audio = upload(account, "audio/mpeg", "audio-3s.mp3");
        String video = upload(account, "video/mp4", "video-portrait.mp4");
        String image = upload(account, "image/jpeg", "image-portrait.jpg");
        String first = createAndCheckPrice(account, "audio-to-video", "{\"audio_uri\":\"" + audio + "\",\"image_uri\":\""
                + image + "\"}", 40, 1000);
        account.as().get("/v2/jobs/" + first).then().body("resolution", equalTo("1080x1920"));
        account.as().post("/v2/jobs/" + first + "/cancel").then().statusCode(200);
        String retake = createAndCheckPrice(account, "retake",
                "{\"video_uri\":\"" + video + "\",\"start_time\":0,\"duration\":2,\"prompt\":\"x\"}", 20, 1000);
        account.as().get("/v2/jobs/" + retake).then().body("resolution", equalTo("1080x1920"));

        Api.TestAccount stranger = Api.account(1000, 2);
        assertRefused(stranger, "audio-to-video", "{\"audio_uri\":\"" + audio + "\",\"prompt\":\"x\"}", 400,
                "invalid_request_error", "audio_uri refers to an upload that does not exist", 1000);
        assertRefused(stranger, "image-to-video", "{\"prompt\":\"x\",\"model\":\"ltx-2-3-pro\",\"duration\":8,"
                        + "\"resolution\":\"1920x1080\",\"image_uri\":\"" + image + "\"}", 400, "invalid_request_error",
                "image_uri refers to an upload that does not exist", 1000);
        String sound = upload(stranger, "audio/wav", "audio-3s.wav");
        assertRefused(stranger, "image-to-video", "{\"prompt\":\"x\",\"model\":\"ltx-2-3-pro\",\"duration\":8,"
                        + "\"resolution\":\"1920x1080\",\"image_uri\":\"" + sound + "\"}", 400, "invalid_request_error",
                "image_uri must be an image (png, jpeg or webp)", 1000);
    }

    @Test
    void mediaCanBeFetchedFromAUrlAndAFailedFetchIsA400() throws IOException {
        com.sun.net.httpserver.HttpServer server = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            String name = exchange.getRequestURI().getPath().substring(1);
            java.nio.file.Path file = java.nio.file.Path.of("src/test/resources/media", name);
            if (name.isEmpty() || !java.nio.file.Files.isRegularFile(file)) {
                exchange.sendResponseHeaders(404, -1);
            } else {
                byte[] bytes = java.nio.file.Files.readAllBytes(file);
                exchange.sendResponseHeaders(200, bytes.length);
                exchange.getResponseBody().write(bytes);
            }
            exchange.close();
        });
        server.start();
        try {
            String base = "http://localhost:" + server.getAddress().getPort() + "/";
            Api.TestAccount account = Api.account(1000, 2);
            createAndCheckPrice(account, "extend", "{\"video_uri\":\"" + base + "video.mkv\",\"duration\":2}", 20, 1000);
            Api.TestAccount other = Api.account(1000, 2);
            assertRefused(other, "retake", "{\"video_uri\":\"" + base + "missing.mp4\",\"start_time\":0,"
                    + "\"duration\":2,\"prompt\":\"x\"}", 400, "invalid_request_error",
                    "video_uri could not be fetched (HTTP 404)", 1000);
        } finally {
            server.stop(0);
        }
    }

    // ---- retake ----------------------------------------------------------------------------------------------------

    @Test
    void retakeIsBilledPerStartedSecondOfTheWindowCutAtTheEndOfTheVideo() {
        Api.TestAccount account = Api.account(1000, 2);
        // 4 s video: a window from 1.5 s for 10 s is cut to 2.5 s, three started seconds
        String body = "{\"video_uri\":\"" + video("video-landscape.mp4") + "\",\"start_time\":1.5,\"duration\":10,"
                + "\"prompt\":\"rain\",\"mode\":\"replace_video\"}";
        String id = createAndCheckPrice(account, "retake", body, 30, 1000);
        account.as().get("/v2/retake/" + id).then().body("duration", equalTo(3)).body("fps", equalTo(24))
                .body("resolution", equalTo("1920x1080")).body("generate_audio", equalTo(false));
        io.vertx.core.json.JsonObject job = inputs(id);
        org.junit.jupiter.api.Assertions.assertEquals(2.5, job.getDouble("duration"));
        org.junit.jupiter.api.Assertions.assertEquals(1.5, job.getDouble("start_time"));
    }

    @Test
    void aPortraitVideoIsRetakenInPortrait() {
        Api.TestAccount account = Api.account(1000, 2);
        String body = "{\"video_uri\":\"" + video("video-portrait.mp4") + "\",\"start_time\":0,\"duration\":2,"
                + "\"prompt\":\"rain\"}";
        String id = createAndCheckPrice(account, "retake", body, 20, 1000);
        account.as().get("/v2/jobs/" + id).then().body("resolution", equalTo("1080x1920"))
                .body("generate_audio", equalTo(true));
    }

    @Test
    void retakeWindowsThatDoNotFitTheVideoAreRefused() {
        Api.TestAccount account = Api.account(1000, 2);
        String video = video("video-landscape.mp4");
        assertRefused(account, "retake", "{\"video_uri\":\"" + video + "\",\"start_time\":4,\"duration\":2,"
                        + "\"prompt\":\"x\"}", 400, "invalid_request_error",
                "start_time must be before the end of video_uri (4.00 s)", 1000);
        assertRefused(account, "retake", "{\"video_uri\":\"" + video + "\",\"start_time\":2.5,\"duration\":5,"
                        + "\"prompt\":\"x\"}", 400, "invalid_request_error",
                "the retake window must be at least 2 s, but video_uri ends 1.50 s after start_time", 1000);
    }

    @Test
    void retakeRefusesVideosTooShortOrTooLarge() {
        Api.TestAccount account = Api.account(1000, 2);
        assertRefused(account, "retake", "{\"video_uri\":\"" + video("video-short.mp4") + "\",\"start_time\":0,"
                        + "\"duration\":2,\"prompt\":\"x\"}", 400, "invalid_request_error",
                "video_uri must have at least 73 frames (it has 48)", 1000);
        assertRefused(account, "retake", "{\"video_uri\":\"" + video("video-over-2160p.mp4") + "\",\"start_time\":0,"
                        + "\"duration\":2,\"prompt\":\"x\"}", 400, "invalid_request_error",
                "video_uri must be at most 3840x2160 (it is 4096x2304)", 1000);
    }

    @Test
    void retakeThatTheBalanceCannotCoverIsA402() {
        Api.TestAccount account = Api.account(19, 2);
        assertRefused(account, "retake", "{\"video_uri\":\"" + video("video-landscape.mp4") + "\",\"start_time\":0,"
                        + "\"duration\":2,\"prompt\":\"x\"}", 402, "insufficient_funds_error",
                "Insufficient funds. Required: 20 credits", 19);
    }

    // ---- extend ----------------------------------------------------------------------------------------------------

    @Test
    void extendIsBilledPerSecondOfExtensionAndKeepsTheInputsSizeAndFps() {
        Api.TestAccount account = Api.account(1000, 2);
        // 24 fps: 20 s + 1 s of context = 504 frames, within 505
        String body = "{\"video_uri\":\"" + video("video-landscape.mp4") + "\",\"duration\":20,\"context\":1,"
                + "\"mode\":\"start\"}";
        String id = createAndCheckPrice(account, "extend", body, 200, 1000);
        account.as().get("/v2/extend/" + id).then().body("duration", equalTo(20)).body("fps", equalTo(24))
                .body("resolution", equalTo("320x180"));
        io.vertx.core.json.JsonObject job = inputs(id);
        org.junit.jupiter.api.Assertions.assertEquals("start", job.getString("mode"));
        org.junit.jupiter.api.Assertions.assertEquals(1.0, job.getDouble("context"));
    }

    @Test
    void extendRefusesMoreThan505FramesAtTheInputsFps() {
        Api.TestAccount account = Api.account(1000, 2);
        assertRefused(account, "extend", "{\"video_uri\":\"" + video("video-landscape.mp4") + "\",\"duration\":20,"
                        + "\"context\":2}", 400, "invalid_request_error",
                "context + duration must be at most 505 frames at the 24.00 fps of video_uri (they are 528)", 1000);
        assertRefused(account, "extend", "{\"video_uri\":\"" + inline("video/quicktime", "video.mov")
                        + "\",\"duration\":20}", 400, "invalid_request_error",
                "context + duration must be at most 505 frames at the 30.00 fps of video_uri (they are 600)", 1000);
    }

    @Test
    void extendRefusesOtherAspectRatiosAndContextLongerThanTheVideo() {
        Api.TestAccount account = Api.account(1000, 2);
        assertRefused(account, "extend", "{\"video_uri\":\"" + video("video-square.mp4") + "\",\"duration\":4}", 400,
                "invalid_request_error", "video_uri must be 16:9 or 9:16 (it is 180x180)", 1000);
        assertRefused(account, "extend", "{\"video_uri\":\"" + video("video-landscape.mp4") + "\",\"duration\":4,"
                        + "\"context\":5}", 400, "invalid_request_error",
                "context must be at most the length of video_uri (4.00 s)", 1000);
        assertRefused(account, "extend", "{\"video_uri\":\"" + video("video-portrait.mp4") + "\",\"duration\":4,"
                        + "\"model\":\"ltx-2-pro\"}", 400, "invalid_request_error",
                "video_uri is portrait, but model ltx-2-pro makes landscape video only", 1000);
    }

    @Test
    void extendThatTheBalanceCannotCoverIsA402() {
        Api.TestAccount account = Api.account(39, 2);
        assertRefused(account, "extend", "{\"video_uri\":\"" + video("video-landscape.mp4") + "\",\"duration\":4}",
                402, "insufficient_funds_error", "Insufficient funds. Required: 40 credits", 39);
    }
}
