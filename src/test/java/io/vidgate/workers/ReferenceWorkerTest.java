package io.vidgate.workers;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vidgate.testing.Api;
import io.vidgate.testing.Ledger;
import io.vidgate.testing.QueueTest;
import io.vidgate.testing.TestDatabase;
import io.vidgate.testing.Worker;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.vidgate.testing.Api.PUBLIC_URL;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The reference worker (worker-client/vidgate_worker.py) drives the worker API from a separate process: it uploads
 * each video as the job's result and completes with its storage_uri.
 */
@QuarkusTest
@QuarkusTestResource(TestDatabase.class)
class ReferenceWorkerTest extends QueueTest {

    @Test
    void theReferenceWorkerCompletesAndFailsJobsOverHttp() throws Exception {
        Api.TestAccount account = Api.account(10_000, 10);
        List<String> good = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            good.add(account.json().body(Api.T2V_BODY).post("/v2/text-to-video").then().statusCode(202)
                    .extract().path("id"));
        }
        String bad = account.json().body(Api.T2V_BODY.replace("A lighthouse at dusk", "please FAIL this one"))
                .post("/v2/text-to-video").then().statusCode(202).extract().path("id");

        Process worker = new ProcessBuilder("python3", "worker-client/vidgate_worker.py",
                "--url", PUBLIC_URL, "--token", Worker.TOKEN, "--worker-id", "reference-test",
                "--max-jobs", "2", "--lease-seconds", "10", "--work-seconds", "0.3",
                "--fail-prompt-containing", "FAIL", "--once")
                .redirectErrorStream(true).start();
        assertTrue(worker.waitFor(60, TimeUnit.SECONDS), "the worker finished");
        String output = new String(worker.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, worker.exitValue(), output);
        assertTrue(output.contains("done: {\"completed\": 3, \"failed\": 1}"), output);

        byte[] sample = given().get(PUBLIC_URL + "/samples/vidgate-sample.mp4").then().statusCode(200)
                .extract().asByteArray();
        for (String id : good) {
            String url = account.as().get("/v2/jobs/" + id).then().body("status", equalTo("completed"))
                    .body("result.video_url", startsWith(PUBLIC_URL + "/results/" + id + "?expires="))
                    .body("credits.charged", equalTo(64))
                    .extract().path("result.video_url");
            // the worker uploaded the file as the job's result: vidgate serves it, no API key needed
            assertArrayEquals(sample, given().get(url).then().statusCode(200).contentType("video/mp4")
                    .extract().asByteArray(), "the uploaded result of " + id);
            assertEquals(1, Ledger.scalar("SELECT count(*) FROM uploads WHERE job_id = '" + id + "' AND status = 'stored'"));
        }
        account.as().get("/v2/jobs/" + bad).then().body("status", equalTo("failed"))
                .body("error.type", equalTo("generation_error")).body("credits.refunded", equalTo(64));
        account.as().get("/v2/balance").then().body("available", equalTo(10_000 - 3 * 64)).body("reserved", equalTo(0));
    }
}
