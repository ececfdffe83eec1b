package io.vidgate.workers;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import io.vidgate.testing.Api;
import io.vidgate.testing.Ledger;
import io.vidgate.testing.QueueTest;
import io.vidgate.testing.Queue;
import io.vidgate.testing.TestDatabase;
import io.vidgate.testing.Worker;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;

import static io.vidgate.testing.Api.PUBLIC_URL;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The worker lease protocol end to end over HTTP, with the ledger checked after every test. */
@QuarkusTest
@QuarkusTestResource(TestDatabase.class)
class WorkerApiTest extends QueueTest {

    @Inject
    WorkerService workers;

    private final Worker worker = new Worker("gpu-1");

    private static String createJob(Api.TestAccount account) {
        return account.json().body(Api.T2V_BODY).post("/v2/text-to-video").then().statusCode(202).extract().path("id");
    }

    @Test
    void pendingToProcessingToCompletedChargesTheCost() {
        Api.TestAccount account = Api.account(1000, 2);
        String id = createJob(account);

        var leased = worker.lease(4).statusCode(200)
                .body("jobs", hasSize(1))
                .body("jobs[0].job.id", equalTo(id))
                .body("jobs[0].job.status", equalTo("processing"))
                .body("jobs[0].inputs.prompt", equalTo("A lighthouse at dusk"))
                .body("jobs[0].lease.token", matchesPattern("[0-9a-f-]{36}"))
                .body("jobs[0].lease.expires_at", notNullValue())
                .body("jobs[0].attempt", equalTo(1));
        String token = leased.extract().path("jobs[0].lease.token");
        account.as().get("/v2/jobs/" + id).then().body("status", equalTo("processing"))
                .body("started_at", notNullValue());

        worker.heartbeat(id, token, 40).statusCode(200)
                .body("cancel_requested", equalTo(false)).body("lease_expires_at", notNullValue());
        account.as().get("/v2/jobs/" + id).then().body("progress", equalTo(40));

        worker.complete(id, token).statusCode(200)
                .body("status", equalTo("completed"))
                .body("progress", equalTo(100))
                .body("result.video_url", equalTo("https://cdn.example.com/" + id + ".mp4"))
                .body("credits.charged", equalTo(64))
                .body("credits.reserved", equalTo(0))
                .body("credits.refunded", equalTo(0));
        account.as().get("/v2/balance").then().body("available", equalTo(936)).body("reserved", equalTo(0));
        account.as().get("/v2/ledger").then()
                .body("data.kind", equalTo(List.of("capture", "reserve", "grant")))
                .body("data[0].amount", equalTo(0))
                .body("data[0].reserved_after", equalTo(0));
        worker.complete(id, token).statusCode(409);
        Api.assertError(worker.heartbeat(id, token, 50), 409, "conflict_error");
    }

    @Test
    void pendingToProcessingToFailedRefundsTheHold() {
        Api.TestAccount account = Api.account(1000, 2);
        String id = createJob(account);
        List<String> lease = worker.leaseOne();

        worker.fail(id, lease.get(1), false).statusCode(200)
                .body("status", equalTo("failed"))
                .body("error.type", equalTo("gpu_error"))
                .body("error.message", equalTo("out of memory"))
                .body("credits.charged", equalTo(0))
                .body("credits.refunded", equalTo(64));
        account.as().get("/v2/balance").then().body("available", equalTo(1000)).body("reserved", equalTo(0));
        account.as().get("/v2/ledger").then().body("data.kind", equalTo(List.of("release", "reserve", "grant")))
                .body("data[0].amount", equalTo(64));
    }

    @Test
    void tokensWorkOnlyOnTheirOwnApi() {
        Api.TestAccount account = Api.account(0, 2);
        Api.assertError(account.json().body(Map.of("worker_id", "x")).post("/internal/jobs/lease").then(),
                401, "authentication_error");
        Api.assertError(Api.admin().body(Map.of("worker_id", "x")).post("/internal/jobs/lease").then(),
                401, "authentication_error");
        Api.assertError(given().contentType("application/json").body(Map.of("worker_id", "x"))
                .post("/internal/jobs/lease").then(), 401, "authentication_error", "Missing authorization header");
        Api.assertError(Worker.api().get("/admin/accounts/" + account.id()).then(), 401, "authentication_error");
        Api.assertError(Worker.api().get("/v2/balance").then(), 401, "authentication_error");
    }

    @Test
    void leaseRequestsAreValidated() {
        Api.assertError(Worker.api().body(Map.of("worker_id", "w", "max_jobs", 33)).post("/internal/jobs/lease").then(),
                400, "invalid_request_error", "max_jobs must be between 1 and 32");
        Api.assertError(Worker.api().body(Map.of("worker_id", "w", "lease_seconds", 5)).post("/internal/jobs/lease")
                .then(), 400, "invalid_request_error", "lease_seconds must be between 10 and 3600");
        Api.assertError(Worker.api().body(Map.of("max_jobs", 1)).post("/internal/jobs/lease").then(),
                400, "invalid_request_error", "worker_id is required");
        Api.assertError(Worker.api().body(Map.of("worker_id", "w", "gpu", "a100")).post("/internal/jobs/lease").then(),
                400, "invalid_request_error", "Unknown parameter: gpu");
        Api.assertError(new Worker("w").heartbeat("00000000-0000-4000-8000-000000000000",
                "00000000-0000-4000-8000-000000000000", 1), 404, "not_found_error", "Job not found");
    }

    @Test
    void leasesFilterByTypeAndModelOldestFirst() {
        Api.TestAccount account = Api.account(10_000, 10);
        String first = createJob(account);
        String fast = account.json().body(Api.T2V_BODY.replace("ltx-2-3-pro", "ltx-2-3-fast"))
                .post("/v2/text-to-video").then().statusCode(202).extract().path("id");
        String third = createJob(account);
        Worker.api().body(Map.of("worker_id", "w", "max_jobs", 5, "types", List.of("image-to-video")))
                .post("/internal/jobs/lease").then().statusCode(200).body("jobs", hasSize(0));
        Worker.api().body(Map.of("worker_id", "w", "max_jobs", 5, "models", List.of("ltx-2-3-fast")))
                .post("/internal/jobs/lease").then().statusCode(200).body("jobs.job.id", equalTo(List.of(fast)));
        worker.lease(5).statusCode(200).body("jobs.job.id", equalTo(List.of(first, third)));
    }

    @Test
    void twoWorkersLeasingAtOnceFromTwoHundredJobsLeaseEachExactlyOnce() throws Exception {
        Api.TestAccount account = Api.account(200 * Api.T2V_COST, 1000);
        List<String> created = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            created.add(createJob(account));
        }
        CountDownLatch start = new CountDownLatch(1);
        List<CompletableFuture<List<String>>> workers = new ArrayList<>();
        for (String name : List.of("gpu-a", "gpu-b")) {
            workers.add(CompletableFuture.supplyAsync(() -> {
                List<String> mine = new ArrayList<>();
                try {
                    start.await();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                while (true) {
                    List<String> ids = new Worker(name).lease(7).statusCode(200).extract().path("jobs.job.id");
                    if (ids.isEmpty()) {
                        return mine;
                    }
                    mine.addAll(ids);
                }
            }));
        }
        start.countDown();
        List<String> a = workers.get(0).get();
        List<String> b = workers.get(1).get();
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        assertEquals(200, all.size(), "leased " + a.size() + " + " + b.size());
        assertEquals(new HashSet<>(created), new HashSet<>(all), "every job leased, none twice");
        assertTrue(!a.isEmpty() && !b.isEmpty(), "both workers got work: " + a.size() + " / " + b.size());
        assertEquals(200, Ledger.scalar("SELECT count(*) FROM jobs WHERE status = 'processing' AND attempt = 1 "
                + "AND account_id = '" + account.id() + "'"));
    }

    @Test
    void aSilentWorkersJobIsRescuedAndCompletedByAnotherAndChargedOnce() {
        Api.TestAccount account = Api.account(1000, 2);
        String id = createJob(account);
        List<String> first = worker.leaseOne();

        Queue.expireLease(id);
        assertTrue(sweepers.sweepOnce().await().atMost(Duration.ofSeconds(10)) >= 1);
        account.as().get("/v2/jobs/" + id).then().body("status", equalTo("pending"));

        Worker second = new Worker("gpu-2");
        var leased = second.lease(1).statusCode(200).body("jobs[0].job.id", equalTo(id)).body("jobs[0].attempt", equalTo(2));
        String token = leased.extract().path("jobs[0].lease.token");

        Api.assertError(worker.complete(id, first.get(1)), 409, "conflict_error");
        second.complete(id, token).statusCode(200).body("credits.charged", equalTo(64));
        Api.assertError(worker.complete(id, first.get(1)), 409, "conflict_error");
        assertEquals(1, Ledger.scalar("SELECT count(*) FROM ledger_entries WHERE kind = 'capture' AND job_id = '" + id + "'"));
        account.as().get("/v2/balance").then().body("available", equalTo(936));
    }

    @Test
    void aRetryableFailureComesBackAfterBackoffAndTheLastAttemptReleasesTheHold() throws Exception {
        Api.TestAccount account = Api.account(1000, 2);
        String id = createJob(account);
        for (int attempt = 1; attempt <= 2; attempt++) {
            List<String> lease = leaseWhenAvailable(id, attempt);
            worker.fail(id, lease.get(1), true).statusCode(200).body("status", equalTo("pending"))
                    .body("credits.reserved", equalTo(64));
            // Backoff: not leasable at once (test backoff 300 ms, doubled each attempt).
            worker.lease(1).statusCode(200).body("jobs", hasSize(0));
        }
        List<String> last = leaseWhenAvailable(id, 3);
        worker.fail(id, last.get(1), true).statusCode(200)
                .body("status", equalTo("failed"))
                .body("credits.refunded", equalTo(64));
        account.as().get("/v2/balance").then().body("available", equalTo(1000)).body("reserved", equalTo(0));
    }

    private List<String> leaseWhenAvailable(String id, int attempt) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            var response = worker.lease(1).statusCode(200);
            List<String> ids = response.extract().path("jobs.job.id");
            if (!ids.isEmpty()) {
                assertEquals(List.of(id), ids);
                response.body("jobs[0].attempt", equalTo(attempt));
                return List.of(id, response.extract().path("jobs[0].lease.token"));
            }
            Thread.sleep(50);
        }
        throw new AssertionError("job " + id + " never came back for attempt " + attempt);
    }

    @Test
    void anExpiredLeaseOnTheLastAttemptFailsTheJob() {
        Api.TestAccount account = Api.account(1000, 2);
        String id = createJob(account);
        for (int attempt = 1; attempt <= 3; attempt++) {
            worker.lease(1).statusCode(200).body("jobs[0].attempt", equalTo(attempt));
            Queue.expireLease(id);
            sweepers.sweepOnce().await().atMost(Duration.ofSeconds(10));
        }
        account.as().get("/v2/jobs/" + id).then()
                .body("status", equalTo("failed"))
                .body("error.type", equalTo("api_error"))
                .body("credits.refunded", equalTo(64));
    }

    @Test
    void aJobPastItsMaximumAgeExpiresOnceEvenWithTwoSweepers() {
        Api.TestAccount account = Api.account(1000, 2);
        String pending = createJob(account);
        String processing = createJob(account);
        worker.lease(1);
        Queue.pastDeadline(pending);
        Queue.pastDeadline(processing);

        // Two sweepers at once (plus the scheduled one of this pod): each hold must still end exactly once.
        List<Integer> swept = Uni.join().all(sweepers.sweepOnce(), sweepers.sweepOnce()).andFailFast()
                .await().atMost(Duration.ofSeconds(10));
        assertTrue(swept.get(0) + swept.get(1) <= 2, "no job ended twice: " + swept);

        for (String id : List.of(pending, processing)) {
            account.as().get("/v2/jobs/" + id).then().body("status", equalTo("failed"))
                    .body("error.message", containsString("maximum age"))
                    .body("credits.refunded", equalTo(64));
            assertEquals(1, Ledger.scalar("SELECT count(*) FROM ledger_entries WHERE kind = 'release' AND job_id = '"
                    + id + "' AND description LIKE 'Hold expired%'"));
        }
        account.as().get("/v2/balance").then().body("available", equalTo(1000)).body("reserved", equalTo(0));
    }

    @Test
    void cancelWhileProcessingIsSeenAtTheNextHeartbeatAndNothingIsCharged() {
        Api.TestAccount account = Api.account(1000, 2);
        String id = createJob(account);
        List<String> lease = worker.leaseOne();

        account.as().post("/v2/jobs/" + id + "/cancel").then().statusCode(200)
                .body("status", equalTo("cancelled")).body("credits.refunded", equalTo(64));
        worker.heartbeat(id, lease.get(1), 80).statusCode(200).body("cancel_requested", equalTo(true));
        Api.assertError(worker.complete(id, lease.get(1)), 409, "conflict_error");
        Api.assertError(worker.fail(id, lease.get(1), false), 409, "conflict_error");
        account.as().get("/v2/jobs/" + id).then().body("status", equalTo("cancelled"))
                .body("credits.charged", equalTo(0));
        account.as().get("/v2/balance").then().body("available", equalTo(1000));
    }

    @Test
    void aJobHandedBackAtShutdownIsLeasedAgainWithoutLosingAnAttempt() {
        Api.TestAccount account = Api.account(1000, 2);
        String id = createJob(account);
        List<String> lease = worker.leaseOne();
        assertTrue(workers.handBack(UUID.fromString(id), lease.get(1)).await().atMost(Duration.ofSeconds(5)));
        account.as().get("/v2/jobs/" + id).then().body("status", equalTo("pending")).body("credits.reserved", equalTo(64));
        Api.assertError(worker.complete(id, lease.get(1)), 409, "conflict_error");
        new Worker("gpu-next").lease(1).statusCode(200).body("jobs[0].job.id", equalTo(id))
                .body("jobs[0].attempt", equalTo(1));
    }

    @Test
    void aForeignLeaseTokenChangesNothing() {
        Api.TestAccount account = Api.account(1000, 2);
        String id = createJob(account);
        worker.leaseOne();
        String foreign = "11111111-1111-4111-8111-111111111111";
        Api.assertError(worker.complete(id, foreign), 409, "conflict_error");
        Api.assertError(worker.fail(id, foreign, false), 409, "conflict_error");
        Api.assertError(worker.heartbeat(id, "not-a-token", 1), 409, "conflict_error");
        account.as().get("/v2/jobs/" + id).then().body("status", equalTo("processing"));
    }

    @Test
    void inlineImagesAreHandedToWorkersAsDownloadsOnThisService() {
        Api.TestAccount account = Api.account(1000, 2);
        byte[] png = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n', 1, 2, 3, 4};
        String id = account.json().body("{\"prompt\":\"A cat\",\"model\":\"ltx-2-3-pro\",\"duration\":6,"
                        + "\"resolution\":\"1080x1920\",\"image_uri\":\"data:image/png;base64,"
                        + java.util.Base64.getEncoder().encodeToString(png) + "\"}")
                .post("/v2/image-to-video").then().statusCode(202).extract().path("id");
        String url = worker.lease(1).statusCode(200).extract().path("jobs[0].inputs.image_uri");
        assertEquals(PUBLIC_URL + "/internal/jobs/" + id + "/inputs/image_uri", url);
        byte[] downloaded = Worker.api().get("/internal/jobs/" + id + "/inputs/image_uri").then().statusCode(200)
                .contentType("image/png").extract().asByteArray();
        assertEquals(java.util.Arrays.toString(png), java.util.Arrays.toString(downloaded));
        Api.assertError(account.as().get("/internal/jobs/" + id + "/inputs/image_uri").then(), 401,
                "authentication_error");
    }

}
