package io.vidgate.workers;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import io.vidgate.testing.Api;
import io.vidgate.testing.MediaFixtures;
import io.vidgate.testing.QueueTest;
import io.vidgate.testing.TestDatabase;
import io.vidgate.testing.Worker;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.Base64;
import java.util.Map;

import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/** The worker side of the media jobs: their inputs, the inline media behind URLs, and capture of the hold. */
@QuarkusTest
@QuarkusTestResource(TestDatabase.class)
class MediaJobWorkerTest extends QueueTest {

    private final Worker worker = new Worker("media-worker");

    @Test
    void aWorkerGetsTheAudioBehindAUrlAndTheCompletedJobIsChargedItsEstimate() {
        byte[] wav = MediaFixtures.bytes("audio-3s.wav");
        Api.TestAccount account = Api.account(100, 2);
        String id = account.json().body(Map.of("audio_uri", "data:audio/wav;base64," + Base64.getEncoder().encodeToString(wav),
                "prompt", "A band on a rooftop")).post("/v2/audio-to-video").then().statusCode(202).extract().path("id");

        ValidatableResponse lease = Worker.api().body(Map.of("worker_id", worker.id(), "types", java.util.List.of("audio-to-video")))
                .post("/internal/jobs/lease").then().statusCode(200)
                .body("jobs.size()", equalTo(1))
                .body("jobs[0].job.id", equalTo(id))
                .body("jobs[0].job.type", equalTo("audio-to-video"))
                .body("jobs[0].inputs.prompt", equalTo("A band on a rooftop"))
                .body("jobs[0].inputs.audio_duration_ms", equalTo(3000))
                .body("jobs[0].inputs.guidance_scale", equalTo(5.0f))
                .body("jobs[0].inputs.audio_uri", equalTo(Api.PUBLIC_URL + "/internal/jobs/" + id + "/inputs/audio_uri"));
        String token = lease.extract().path("jobs[0].lease.token");
        byte[] served = Worker.api().get(URI.create(Api.PUBLIC_URL + "/internal/jobs/" + id + "/inputs/audio_uri").getPath())
                .then().statusCode(200).contentType("audio/wav").extract().asByteArray();
        assertArrayEquals(wav, served);

        worker.complete(id, token).statusCode(200).body("status", equalTo("completed"))
                .body("credits.charged", equalTo(30)).body("credits.reserved", equalTo(0));
        account.as().get("/v2/balance").then().body("available", equalTo(70)).body("reserved", equalTo(0));
    }

    @Test
    void aFailedExtendJobReturnsItsHold() {
        Api.TestAccount account = Api.account(100, 2);
        String video = MediaFixtures.inline("video/mp4", "video-landscape.mp4");
        String id = account.json().body(Map.of("video_uri", video, "duration", 4)).post("/v2/extend").then()
                .statusCode(202).body("credits.reserved", equalTo(40)).extract().path("id");
        var leased = worker.leaseOne();
        org.junit.jupiter.api.Assertions.assertEquals(id, leased.get(0));
        worker.fail(id, leased.get(1), false).statusCode(200).body("status", equalTo("failed"))
                .body("credits.refunded", equalTo(40));
        account.as().get("/v2/balance").then().body("available", equalTo(100)).body("reserved", equalTo(0));
    }
}
