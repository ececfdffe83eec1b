package io.vidgate.jobs;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vidgate.testing.Api;
import io.vidgate.testing.Ledger;
import io.vidgate.testing.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static org.hamcrest.Matchers.equalTo;

/**
 * The rules of audio-to-video, retake and extend that are checked before any media is read (issue 8): each is a
 * 400 that names the field, on create and on estimate alike, and changes nothing. The media URLs here are never
 * fetched: every request breaks a rule that comes first. (The URL rules of production, which the test profile relaxes
 * to reach a local server, are in MediaUrisTest.)
 */
@QuarkusTest
@QuarkusTestResource(TestDatabase.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MediaJobValidationTest {

    private static final String AUDIO = "\"audio_uri\":\"https://media.example.com/a.wav\"";
    private static final String VIDEO = "\"video_uri\":\"https://media.example.com/v.mp4\"";
    private static final long CREDITS = 10_000;

    private Api.TestAccount account;

    @BeforeEach
    void account() {
        if (account == null) {
            account = Api.account(CREDITS, 2);
        }
    }

    @AfterEach
    void nothingChanged() {
        account.as().get("/v2/balance").then().body("available", equalTo((int) CREDITS)).body("reserved", equalTo(0));
        account.as().get("/v2/jobs").then().body("data.size()", equalTo(0));
        Ledger.assertConserved();
    }

    static Stream<Arguments> invalid() {
        return Stream.of(
                // audio-to-video
                Arguments.of("audio-to-video", "{\"prompt\":\"a song\"}", "audio_uri is required"),
                Arguments.of("audio-to-video", "{" + AUDIO + "}", "image_uri is required when prompt is absent"),
                Arguments.of("audio-to-video", "{" + AUDIO + ",\"prompt\":\"  \"}", "prompt must not be blank"),
                Arguments.of("audio-to-video", "{" + AUDIO + ",\"prompt\":\"x\",\"guidance_scale\":0.5}",
                        "guidance_scale must be between 1 and 50"),
                Arguments.of("audio-to-video", "{" + AUDIO + ",\"prompt\":\"x\",\"guidance_scale\":51}",
                        "guidance_scale must be between 1 and 50"),
                Arguments.of("audio-to-video", "{" + AUDIO + ",\"prompt\":\"x\",\"guidance_scale\":\"5\"}",
                        "guidance_scale must be a number"),
                Arguments.of("audio-to-video", "{" + AUDIO + ",\"prompt\":\"x\",\"model\":\"ltx-2-3-fast\"}",
                        "model must be one of ltx-2-3-pro, ltx-2-pro for audio-to-video"),
                Arguments.of("audio-to-video", "{" + AUDIO + ",\"prompt\":\"x\",\"resolution\":\"3840x2160\"}",
                        "resolution must be one of 1920x1080, 1080x1920 for model ltx-2-3-pro"),
                Arguments.of("audio-to-video", "{" + AUDIO + ",\"prompt\":\"x\",\"model\":\"ltx-2-pro\",\"resolution\":\"1080x1920\"}",
                        "resolution must be one of 1920x1080 for model ltx-2-pro"),
                Arguments.of("audio-to-video", "{\"audio_uri\":\"data:image/png;base64,AAAA\",\"prompt\":\"x\"}",
                        "audio_uri must be an https URL, a vidgate://uploads/ URI or a base64 data URI (data:audio/...;base64,...)"),
                Arguments.of("audio-to-video", "{" + AUDIO + ",\"prompt\":\"x\",\"duration\":8}", "Unknown parameter: duration"),
                // retake
                Arguments.of("retake", "{\"start_time\":0,\"duration\":3,\"prompt\":\"x\"}", "video_uri is required"),
                Arguments.of("retake", "{" + VIDEO + ",\"duration\":3,\"prompt\":\"x\"}", "start_time is required"),
                Arguments.of("retake", "{" + VIDEO + ",\"start_time\":0,\"prompt\":\"x\"}", "duration is required"),
                Arguments.of("retake", "{" + VIDEO + ",\"start_time\":0,\"duration\":3,\"prompt\":\" \"}",
                        "prompt must not be blank"),
                Arguments.of("retake", "{" + VIDEO + ",\"start_time\":-1,\"duration\":3,\"prompt\":\"x\"}",
                        "start_time must be between 0 and 86400"),
                Arguments.of("retake", "{" + VIDEO + ",\"start_time\":0,\"duration\":1.5,\"prompt\":\"x\"}",
                        "duration must be between 2 and 86400"),
                Arguments.of("retake", "{" + VIDEO + ",\"start_time\":\"0\",\"duration\":3,\"prompt\":\"x\"}",
                        "start_time must be a number"),
                Arguments.of("retake", "{" + VIDEO + ",\"start_time\":0,\"duration\":3,\"prompt\":\"x\",\"mode\":\"replace_all\"}",
                        "mode must be one of replace_audio, replace_video, replace_audio_and_video"),
                Arguments.of("retake", "{" + VIDEO + ",\"start_time\":0,\"duration\":3,\"prompt\":\"x\",\"model\":\"ltx-2-fast\"}",
                        "model must be one of ltx-2-3-pro, ltx-2-pro for retake"),
                Arguments.of("retake", "{" + VIDEO + ",\"start_time\":0,\"duration\":3,\"prompt\":\"x\",\"resolution\":\"1920x1081\"}",
                        "resolution must be one of 1920x1080, 1080x1920 for model ltx-2-3-pro"),
                Arguments.of("retake", "{\"video_uri\":\"data:audio/wav;base64,AAAA\",\"start_time\":0,\"duration\":3,\"prompt\":\"x\"}",
                        "video_uri must be an https URL, a vidgate://uploads/ URI or a base64 data URI (data:video/...;base64,...)"),
                // extend
                Arguments.of("extend", "{\"duration\":4}", "video_uri is required"),
                Arguments.of("extend", "{" + VIDEO + "}", "duration is required"),
                Arguments.of("extend", "{" + VIDEO + ",\"duration\":1}", "duration must be between 2 and 20"),
                Arguments.of("extend", "{" + VIDEO + ",\"duration\":21}", "duration must be between 2 and 20"),
                Arguments.of("extend", "{" + VIDEO + ",\"duration\":4.5}", "duration must be an integer"),
                Arguments.of("extend", "{" + VIDEO + ",\"duration\":4,\"mode\":\"middle\"}", "mode must be one of end, start"),
                Arguments.of("extend", "{" + VIDEO + ",\"duration\":4,\"context\":0.5}", "context must be between 1 and 20"),
                Arguments.of("extend", "{" + VIDEO + ",\"duration\":4,\"context\":21}", "context must be between 1 and 20"),
                Arguments.of("extend", "{" + VIDEO + ",\"duration\":4,\"model\":\"ltx-2-3-fast\"}",
                        "model must be one of ltx-2-3-pro, ltx-2-pro for extend"),
                Arguments.of("extend", "{" + VIDEO + ",\"duration\":4,\"resolution\":\"1920x1080\"}",
                        "Unknown parameter: resolution"),
                Arguments.of("extend", "{" + VIDEO + ",\"duration\":4,\"prompt\":\"\"}", "prompt must not be blank"));
    }

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @MethodSource("invalid")
    void aBrokenRuleIsA400ThatNamesTheField(String type, String body, String message) {
        Api.assertError(account.json().body(body).post("/v2/" + type).then(), 400, "invalid_request_error", message);
        String estimate = "{\"type\":\"" + type + "\"," + body.substring(1);
        Api.assertError(account.json().body(estimate).post("/v2/estimate").then(), 400, "invalid_request_error", message);
    }

    @Test
    void inlineMediaOverItsLimitIsA413() {
        String big = "A".repeat(9_800_000); // 7.35 MB decoded: over the 7 MiB inline limit, in a body under 10 MiB
        Api.assertError(account.json().body("{\"audio_uri\":\"data:audio/wav;base64," + big + "\",\"prompt\":\"x\"}")
                .post("/v2/audio-to-video").then(), 413, "request_too_large");
        Api.assertError(account.json().body("{\"video_uri\":\"data:video/mp4;base64," + big
                + "\",\"start_time\":0,\"duration\":2,\"prompt\":\"x\"}").post("/v2/retake").then(), 413, "request_too_large");
        Api.assertError(account.json().body("{\"video_uri\":\"data:video/mp4;base64," + big + "\",\"duration\":2}")
                .post("/v2/extend").then(), 413, "request_too_large");
    }

    @Test
    void aJobOfAnotherTypeIsNotFoundUnderThisTypesPath() {
        Api.TestAccount other = Api.account(1000, 2);
        String id = other.json().body(Api.T2V_BODY).post("/v2/text-to-video").then().statusCode(202).extract().path("id");
        for (String type : new String[] {"audio-to-video", "retake", "extend"}) {
            Api.assertError(other.as().get("/v2/" + type + "/" + id).then(), 404, "not_found_error", "Job not found");
        }
        other.as().post("/v2/jobs/" + id + "/cancel").then().statusCode(200);
    }

    @Test
    void theCatalogListsTheMediaTypesOfThePROModelsWithTheirPrices() {
        io.restassured.RestAssured.get("/v2/models").then().statusCode(200)
                .body("data.find { it.id == 'ltx-2-3-pro' }.types",
                        equalTo(java.util.List.of("text-to-video", "image-to-video", "audio-to-video", "retake", "extend")))
                .body("data.find { it.id == 'ltx-2-3-pro' }.media_credits_per_second.'audio-to-video'", equalTo(10))
                .body("data.find { it.id == 'ltx-2-pro' }.media_credits_per_second.extend", equalTo(10))
                .body("data.find { it.id == 'ltx-2-3-fast' }.media_credits_per_second.size()", equalTo(0));
        Api.assertError(account.json().body("{\"type\":\"speech-to-video\"}").post("/v2/estimate").then(), 400,
                "invalid_request_error", "type must be one of text-to-video, image-to-video, audio-to-video, retake, extend");
    }
}
