package io.vidgate.workers;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.vidgate.testing.Api;
import io.vidgate.testing.Ledger;
import io.vidgate.testing.QueueTest;
import io.vidgate.testing.TestDatabase;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static io.vidgate.testing.Api.PUBLIC_URL;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The in-process simulated GPU worker, as the README's demo uses it: it uploads its clip as each job's result. */
@QuarkusTest
@QuarkusTestResource(TestDatabase.class)
@TestProfile(SimulatorTest.SimulatorOn.class)
class SimulatorTest extends QueueTest {

    public static class SimulatorOn implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("vidgate.simulator.enabled", "true", "vidgate.simulator.delay", "1500ms");
        }
    }

    @Test
    void aJobGoesFromPendingToCompletedWithAPlayableVideo() throws Exception {
        Api.TestAccount account = Api.account(1000, 2);
        String id = account.json().body(Api.T2V_BODY).post("/v2/text-to-video").then().statusCode(202)
                .extract().path("id");

        String status = awaitStatus(account, id, "completed");
        assertEquals("completed", status);
        String url = account.as().get("/v2/jobs/" + id).then()
                .body("progress", equalTo(100))
                .body("credits.charged", equalTo(64))
                .extract().path("result.video_url");
        assertTrue(url.startsWith(PUBLIC_URL + "/results/" + id + "?expires="), url);
        byte[] video = given().get(url).then().statusCode(200).contentType("video/mp4").extract().asByteArray();
        assertTrue(video.length > 1000, "a real video, " + video.length + " bytes");
        assertArrayEquals(given().get(PUBLIC_URL + "/samples/vidgate-sample.mp4").then().extract().asByteArray(), video,
                "the sample clip, uploaded by the simulator as the job's result");
        assertEquals(1, Ledger.scalar("SELECT count(*) FROM uploads WHERE job_id = '" + id + "' AND status = 'stored'"));
        byte[] ftyp = {'f', 't', 'y', 'p'};
        assertArrayEquals(ftyp, java.util.Arrays.copyOfRange(video, 4, 8), "an MP4 (ISO BMFF ftyp box)");
    }

    @Test
    void theSimulatorRunsTheMediaJobsTooAndChargesTheirEstimate() throws Exception {
        Api.TestAccount account = Api.account(1000, 2);
        String audio = io.vidgate.testing.MediaFixtures.inline("audio/wav", "audio-3s.wav");
        String id = account.json().body(java.util.Map.of("audio_uri", audio, "prompt", "a song"))
                .post("/v2/audio-to-video").then().statusCode(202).extract().path("id");
        assertEquals("completed", awaitStatus(account, id, "completed"));
        String url = account.as().get("/v2/audio-to-video/" + id).then().body("credits.charged", equalTo(30))
                .extract().path("result.video_url");
        given().get(url).then().statusCode(200).contentType("video/mp4");
    }

    @Test
    void aCancelDuringProcessingIsSeenByTheSimulatorAndNothingIsCharged() throws Exception {
        Api.TestAccount account = Api.account(1000, 2);
        String id = account.json().body(Api.T2V_BODY).post("/v2/text-to-video").then().statusCode(202)
                .extract().path("id");
        awaitStatus(account, id, "processing");
        account.as().post("/v2/jobs/" + id + "/cancel").then().statusCode(200).body("status", equalTo("cancelled"));

        Thread.sleep(2500);
        account.as().get("/v2/jobs/" + id).then().body("status", equalTo("cancelled"))
                .body("credits.charged", equalTo(0)).body("credits.refunded", equalTo(64));
        assertEquals(0, Ledger.scalar("SELECT count(*) FROM ledger_entries WHERE kind = 'capture' AND job_id = '"
                + id + "'"));
        account.as().get("/v2/balance").then().body("available", equalTo(1000));
    }

    private static String awaitStatus(Api.TestAccount account, String id, String wanted) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        String status = null;
        while (System.nanoTime() < deadline) {
            status = account.as().get("/v2/jobs/" + id).then().statusCode(200).extract().path("status");
            if (wanted.equals(status)) {
                return status;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("job " + id + " is " + status + ", never " + wanted);
    }
}
