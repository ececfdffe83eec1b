package io.vidgate.jobs;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.vidgate.lifecycle.JobEnds;
import io.vidgate.testing.Api;
import io.vidgate.testing.QueueTest;
import io.vidgate.testing.TestDatabase;
import io.vidgate.testing.Worker;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static io.restassured.RestAssured.given;
import static io.vidgate.testing.Api.PUBLIC_URL;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The synchronous API (docs/api.md 2.14): a /v1 call is a /v2 job plus a wait, answered with the video itself, the
 * job's error, or (SyncTimeoutTest) 504. Every test ends with the ledger conservation check (QueueTest).
 */
@QuarkusTest
@QuarkusTestResource(TestDatabase.class)
class SyncApiTest extends QueueTest {

    private static final Duration ANSWER = Duration.ofSeconds(30);
    private static final String[] CREATES = {"text-to-video", "image-to-video", "audio-to-video", "retake", "extend"};

    private final Worker worker = new Worker("sync-worker");

    @Inject
    JobEnds ends;

    static byte[] video(long seed) {
        byte[] bytes = new byte[300_000];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    /** The call runs on another thread, as a client that waits; the test plays the worker meanwhile. */
    private static CompletableFuture<Response> call(Supplier<Response> request) {
        return CompletableFuture.supplyAsync(request);
    }

    @Test
    void textToVideoAnswersTheVideoItselfWithTheJobNamed() throws Exception {
        Api.TestAccount account = Api.account(1000, 2);
        CompletableFuture<Response> answer = call(() -> account.json()
                .body(Api.T2V_BODY.replace("\"duration\":8", "\"duration\":8.0")).post("/v1/text-to-video"));
        List<String> job = leaseOneCreated();
        byte[] video = video(1);
        worker.completeWithResult(job.get(0), job.get(1), video).statusCode(200);

        Response response = answer.get(ANSWER.toSeconds(), TimeUnit.SECONDS);
        assertEquals(200, response.statusCode(), response.asString());
        assertEquals("video/mp4", response.contentType());
        assertEquals(null, response.header("Content-Length"), "streamed chunked, never with a Content-Length beside it");
        assertEquals(job.get(0), response.header("x-vidgate-job-id"));
        assertTrue(response.header("x-request-id").matches("[0-9a-f]{32}"));
        assertArrayEquals(video, response.asByteArray());
        account.as().get("/v2/jobs/" + job.get(0)).then().body("status", equalTo("completed"))
                .body("credits.charged", equalTo(64));
        account.as().get("/v2/balance").then().body("available", equalTo(936)).body("reserved", equalTo(0));
        assertEquals(0, ends.waiters());
    }

    @Test
    void everyCreateEndpointHasItsV1Twin() throws Exception {
        for (String type : CREATES) {
            Api.TestAccount account = Api.account(1000, 2);
            String body = ClientShapesTest.body(type);
            CompletableFuture<Response> answer = call(() -> account.json().body(body).post("/v1/" + type));
            List<String> job = leaseOneCreated();
            byte[] video = video(type.hashCode());
            worker.completeWithResult(job.get(0), job.get(1), video).statusCode(200);
            Response response = answer.get(ANSWER.toSeconds(), TimeUnit.SECONDS);
            assertEquals(200, response.statusCode(), type + ": " + response.asString());
            assertArrayEquals(video, response.asByteArray(), type);
            account.as().get("/v2/" + type + "/" + job.get(0)).then().body("status", equalTo("completed"));
        }
    }

    @Test
    void aResultAtTheWorkersOwnUrlIsStreamedFromThere() throws Exception {
        Api.TestAccount account = Api.account(1000, 2);
        CompletableFuture<Response> answer = call(() -> account.json().body(Api.T2V_BODY).post("/v1/text-to-video"));
        List<String> job = leaseOneCreated();
        Worker.api().body(Map.of("lease_token", job.get(1), "video_url", PUBLIC_URL + "/samples/vidgate-sample.mp4"))
                .post("/internal/jobs/" + job.get(0) + "/complete").then().statusCode(200);
        Response response = answer.get(ANSWER.toSeconds(), TimeUnit.SECONDS);
        assertEquals(200, response.statusCode(), response.asString());
        assertArrayEquals(given().get("/samples/vidgate-sample.mp4").asByteArray(), response.asByteArray());
    }

    @Test
    void aFailedJobIsItsErrorAndItsHoldIsReleased() throws Exception {
        Api.TestAccount account = Api.account(1000, 2);
        CompletableFuture<Response> answer = call(() -> account.json().body(Api.T2V_BODY).post("/v1/text-to-video"));
        List<String> job = leaseOneCreated();
        worker.fail(job.get(0), job.get(1), false).statusCode(200);
        Response response = answer.get(ANSWER.toSeconds(), TimeUnit.SECONDS);
        Api.assertError(response.then(), 500, "gpu_error",
                "Job " + job.get(0) + " failed: out of memory");
        account.as().get("/v2/balance").then().body("available", equalTo(1000)).body("reserved", equalTo(0));
    }

    @Test
    void aCancelledJobIsAConflict() throws Exception {
        Api.TestAccount account = Api.account(1000, 2);
        CompletableFuture<Response> answer = call(() -> account.json().body(Api.T2V_BODY).post("/v1/text-to-video"));
        List<String> job = leaseOneCreated();
        account.json().post("/v2/jobs/" + job.get(0) + "/cancel").then().statusCode(200);
        Response response = answer.get(ANSWER.toSeconds(), TimeUnit.SECONDS);
        Api.assertError(response.then(), 409, "conflict_error", "Job " + job.get(0) + " was cancelled");
        account.as().get("/v2/balance").then().body("available", equalTo(1000)).body("reserved", equalTo(0));
    }

    @Test
    void refusalsAreTheV2EnvelopesAndReserveNothing() throws Exception {
        Api.TestAccount account = Api.account(1000, 1);
        Api.assertError(account.json().body("{\"model\":\"ltx-2-3-pro\"}").post("/v1/text-to-video").then(), 400,
                "invalid_request_error", "prompt is required");
        Api.assertError(given().contentType("application/json").body(Api.T2V_BODY).post("/v1/text-to-video").then(),
                401, "authentication_error", "Missing authorization header");
        Api.assertError(Api.account(10, 2).json().body(Api.T2V_BODY).post("/v1/text-to-video").then(), 402,
                "insufficient_funds_error", "Insufficient funds. Required: 64 credits");
        Api.assertError(account.json().body("{\"prompt\":\"" + "x".repeat(11 * 1024 * 1024) + "\"}")
                .post("/v1/text-to-video").then(), 413, "request_too_large");
        Api.assertError(account.as().contentType("text/plain").body(Api.T2V_BODY).post("/v1/text-to-video").then(),
                415, "invalid_request_error", "Content-Type must be application/json");
        Api.assertError(account.json().body(Api.T2V_BODY.replace("A lighthouse at dusk", "terrorist propaganda"))
                .post("/v1/text-to-video").then(), 422, "content_filtered_error");
        account.as().get("/v2/balance").then().body("available", equalTo(1000)).body("reserved", equalTo(0));
        account.as().get("/v2/jobs").then().body("data.size()", equalTo(0));

        // at its concurrency limit (1): the second call is refused at once, the first goes on waiting
        CompletableFuture<Response> first = call(() -> account.json().body(Api.T2V_BODY).post("/v1/text-to-video"));
        List<String> job = leaseOneCreated();
        Api.assertError(account.json().body(Api.T2V_BODY).post("/v1/text-to-video").then(), 429,
                "concurrency_limit_error");
        worker.completeWithResult(job.get(0), job.get(1), video(2)).statusCode(200);
        assertEquals(200, first.join().statusCode());
        account.as().get("/v2/balance").then().body("available", equalTo(936)).body("reserved", equalTo(0));
    }

    @Test
    void aRetryWithTheSameKeyAnswersTheSameJobsVideoAndPaysOnce() throws Exception {
        Api.TestAccount account = Api.account(1000, 2);
        String key = "sync-" + UUID.randomUUID();
        CompletableFuture<Response> answer = call(() -> account.json().header("Idempotency-Key", key)
                .body(Api.T2V_BODY).post("/v1/text-to-video"));
        List<String> job = leaseOneCreated();
        byte[] video = video(3);
        worker.completeWithResult(job.get(0), job.get(1), video).statusCode(200);
        assertArrayEquals(video, answer.get(ANSWER.toSeconds(), TimeUnit.SECONDS).asByteArray());

        Response retry = account.json().header("Idempotency-Key", key).body(Api.T2V_BODY).post("/v1/text-to-video");
        assertEquals(200, retry.statusCode(), retry.asString());
        assertEquals(job.get(0), retry.header("x-vidgate-job-id"));
        assertEquals("true", retry.header("Idempotent-Replayed"));
        assertArrayEquals(video, retry.asByteArray());
        account.as().get("/v2/balance").then().body("available", equalTo(936));
        account.as().get("/v2/jobs").then().body("data.size()", equalTo(1));
    }

    @Test
    void aClientThatDisconnectsKeepsItsJob() throws Exception {
        Api.TestAccount account = Api.account(1000, 2);
        HttpRequest request = HttpRequest.newBuilder(URI.create(PUBLIC_URL + "/v1/text-to-video"))
                .header("Authorization", "Bearer " + account.key()).header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(2)).POST(HttpRequest.BodyPublishers.ofString(Api.T2V_BODY)).build();
        HttpClient client = HttpClient.newHttpClient();
        assertThrows(HttpTimeoutException.class, () -> client.send(request, HttpResponse.BodyHandlers.ofString()));
        List<String> job = leaseOneCreated();
        for (int i = 0; i < 100 && ends.waiters() > 0; i++) {
            Thread.sleep(50); // the server notices the closed connection and stops waiting
        }
        assertEquals(0, ends.waiters(), "the wait of a gone client is dropped");
        account.as().get("/v2/jobs/" + job.get(0)).then().body("status", equalTo("processing"));
        worker.completeWithResult(job.get(0), job.get(1), video(4)).statusCode(200);
        account.as().get("/v2/jobs/" + job.get(0)).then().body("status", equalTo("completed"))
                .body("credits.charged", equalTo(64));
    }

    /** The one job a /v1 call just created, leased by this test's worker: [job id, lease token]. */
    private List<String> leaseOneCreated() throws InterruptedException {
        for (int i = 0; i < 400; i++) {
            var leased = worker.lease(1).statusCode(200).extract();
            List<String> ids = leased.path("jobs.job.id");
            if (!ids.isEmpty()) {
                return List.of(ids.get(0), leased.path("jobs[0].lease.token"));
            }
            Thread.sleep(25);
        }
        throw new AssertionError("the /v1 call created no job");
    }
}
