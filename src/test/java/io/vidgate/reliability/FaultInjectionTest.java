package io.vidgate.reliability;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;
import io.vidgate.testing.Api;
import io.vidgate.testing.FaultProxy;
import io.vidgate.testing.FaultSchedule;
import io.vidgate.testing.FaultSchedule.Fault;
import io.vidgate.testing.Invariants;
import io.vidgate.testing.Ledger;
import io.vidgate.testing.Queue;
import io.vidgate.testing.TestDatabase;
import io.vidgate.testing.ThroughFaultProxy;
import io.vidgate.testing.Workload;
import io.vidgate.testing.Sweepers;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Database faults injected between the service and PostgreSQL by the {@link FaultProxy}: requests answer 503 within
 * the timeout bound (never 500, never a hang), the service recovers by itself, a COMMIT whose reply is lost never
 * leads to a second charge when the client retries with its Idempotency-Key, and a seeded workload keeps every
 * invariant while faults hit it. The seed of the workload is printed; replay it with -Dreliability.workload.seed=N.
 */
@QuarkusTest
@QuarkusTestResource(TestDatabase.class)
@TestProfile(ThroughFaultProxy.class)
class FaultInjectionTest {

    /** VIDGATE_DB_TIMEOUT of the test profile (2 s) plus a margin for a loaded machine. */
    private static final Duration BOUND = Duration.ofMillis(2000 + 1500);

    private final FaultProxy proxy = FaultProxy.shared();

    @Inject
    CircuitBreakerMaintenance breakers;

    @Inject
    Sweepers sweepers;

    @AfterEach
    void healAndCheck() {
        proxy.heal();
        breakers.resetAll();
        Ledger.assertConserved();
    }

    @Test
    void aStalledDatabaseAnswers503WithinTheBoundAndALateCommitIsNeverChargedTwice() throws Exception {
        Api.TestAccount account = Api.account(1000, 5);
        proxy.stall(true);
        try {
            // Both at once: a read and a keyed create, each must answer 503 within the bound.
            var pendingBalance = java.util.concurrent.CompletableFuture.supplyAsync(
                    () -> timed(() -> account.as().get("/v2/balance")));
            Reply create = timed(() -> account.json().header("Idempotency-Key", "stalled-1").body(Api.T2V_BODY)
                    .post("/v2/text-to-video"));
            Reply balance = pendingBalance.join();
            Api.assertError(balance.response.then(), 503, "service_unavailable").header("Retry-After", notNullValue());
            assertTrue(balance.took.compareTo(BOUND) < 0, "503 after " + balance.took.toMillis() + " ms");
            Api.assertError(create.response.then(), 503, "service_unavailable");
            assertTrue(create.took.compareTo(BOUND) < 0, "503 after " + create.took.toMillis() + " ms");
        } finally {
            proxy.stall(false);
        }
        awaitOk(account);
        // The stalled transaction may commit once the bytes flow again: the retry replays it or creates it, once.
        int status = retryCreate(account, "stalled-1");
        assertEquals(202, status);
        assertEquals(1, Ledger.scalar("SELECT count(*) FROM jobs WHERE account_id = '" + account.id() + "'"));
        account.as().get("/v2/balance").then().body("reserved", equalTo((int) Api.T2V_COST));
    }

    @Test
    void resetAndRefusedConnectionsAnswer503NeverA500AndTheServiceRecoversByItself() throws Exception {
        Api.TestAccount account = Api.account(1000, 5);
        account.as().get("/v2/balance").then().statusCode(200);
        proxy.refuse(true);
        proxy.resetAll();
        try {
            for (int i = 0; i < 3; i++) {
                Reply reply = timed(() -> account.as().get("/v2/balance"));
                Api.assertError(reply.response.then(), 503, "service_unavailable").header("Retry-After", notNullValue());
                assertTrue(reply.took.compareTo(BOUND) < 0, "503 after " + reply.took.toMillis() + " ms");
            }
        } finally {
            proxy.refuse(false);
        }
        long healed = System.nanoTime();
        awaitOk(account);
        System.out.printf("RELIABILITY recovered %d ms after refused connections ended%n",
                (System.nanoTime() - healed) / 1_000_000);
        proxy.dropAll();
        awaitOk(account);
        account.json().body(Api.T2V_BODY).post("/v2/text-to-video").then().statusCode(202);
    }

    @Test
    void aGhostCommitThenARetryWithTheSameKeyMakesExactlyOneJobAndOneReservation() {
        Api.TestAccount account = Api.account(1000, 5);
        account.as().get("/v2/balance").then().statusCode(200);
        proxy.ghostCommits(1, "idempotency_keys");
        Api.assertError(account.json().header("Idempotency-Key", "ghost-1").body(Api.T2V_BODY)
                .post("/v2/text-to-video").then(), 503, "service_unavailable");
        assertEquals(0, proxy.ghostsPending(), "the COMMIT was turned into a ghost");
        // The client saw an error, but the transaction committed.
        String jobs = "SELECT count(*) FROM jobs WHERE account_id = '" + account.id() + "'";
        String reserves = "SELECT count(*) FROM ledger_entries WHERE kind = 'reserve' AND account_id = '"
                + account.id() + "'";
        assertEquals(1, Ledger.scalar(jobs));
        awaitOk(account);
        String id = account.json().header("Idempotency-Key", "ghost-1").body(Api.T2V_BODY).post("/v2/text-to-video")
                .then().statusCode(202).header("Idempotent-Replayed", "true").extract().path("id");
        assertEquals(1, Ledger.scalar(jobs));
        assertEquals(1, Ledger.scalar(reserves));
        assertEquals(1, Ledger.scalar("SELECT count(*) FROM jobs WHERE id = '" + id + "'"));
        account.as().get("/v2/balance").then().body("available", equalTo(1000 - (int) Api.T2V_COST))
                .body("reserved", equalTo((int) Api.T2V_COST));

        // The same for a grant: the credits arrive once.
        proxy.ghostCommits(1, "idempotency_keys");
        Api.assertError(Api.admin().header("Idempotency-Key", "ghost-grant-1").body(Map.of("amount", 500))
                .post("/admin/accounts/" + account.id() + "/credits").then(), 503, "service_unavailable");
        awaitOk(account);
        Api.admin().header("Idempotency-Key", "ghost-grant-1").body(Map.of("amount", 500))
                .post("/admin/accounts/" + account.id() + "/credits").then().statusCode(201)
                .header("Idempotent-Replayed", "true");
        assertEquals(2, Ledger.scalar("SELECT count(*) FROM ledger_entries WHERE kind = 'grant' AND account_id = '"
                + account.id() + "'"));
        account.as().get("/v2/balance").then().body("available", equalTo(1500 - (int) Api.T2V_COST));
    }

    @Test
    void aSeededWorkloadKeepsEveryInvariantThroughEveryKindOfFault() throws Exception {
        long seed = Long.getLong("reliability.workload.seed", System.nanoTime());
        System.out.println("RELIABILITY workload seed " + seed + " (replay: -Dreliability.workload.seed=" + seed + ")");
        Queue.drain(sweepers);
        Workload workload = new Workload(new Workload.Settings(seed, 3, 4, 2, Duration.ofSeconds(60),
                Duration.ofMillis(500)), Api.PUBLIC_URL).setUp();
        FaultSchedule faults = new FaultSchedule(workload, proxy, Api.PUBLIC_URL);
        // The workload runs until the last fault has been injected and recovered from.
        Thread schedule = faults.inOrder(List.of(Fault.STALL, Fault.GHOST_COMMITS, Fault.RESET, Fault.DB_RESTART),
                Duration.ofMillis(400));
        workload.run();
        schedule.join(FaultSchedule.RECOVERY.toMillis() * 2);
        proxy.heal();
        breakers.resetAll();
        workload.finishAllJobs(Duration.ofSeconds(60));
        workload.check("after");
        List<String> history = workload.verifyHistory();
        Report.print("bounded workload", seed, workload, faults);
        assertEquals(List.of(), workload.problems(), "seed " + seed);
        assertEquals(List.of(), history, "seed " + seed);
        Map<String, Long> counts = workload.counts();
        assertEquals(1, counts.getOrDefault("checks_passed_after", 0L), "seed " + seed);
        assertEquals(4, counts.getOrDefault("checks_passed_after_fault", 0L), "a check after each fault, seed " + seed);
        // the run did what it claims: jobs were created under the faults, and the faults were injected
        assertTrue(counts.getOrDefault("status_202", 0L) > 0, "no job was created, seed " + seed + ": " + counts);
        Map<String, Long> injected = faults.counts();
        assertTrue(injected.getOrDefault("proxy_stall", 0L) >= 1 && injected.getOrDefault("proxy_reset", 0L) >= 1,
                "a fault was not injected, seed " + seed + ": " + injected);
        Invariants.assertHold();
    }

    private record Reply(Response response, Duration took) {
    }

    private static Reply timed(java.util.function.Supplier<Response> call) {
        long started = System.nanoTime();
        Response response = call.get();
        return new Reply(response, Duration.ofNanos(System.nanoTime() - started));
    }

    private static int retryCreate(Api.TestAccount account, String key) throws InterruptedException {
        int status = 0;
        for (int i = 0; i < 20 && status != 202; i++) {
            status = account.json().header("Idempotency-Key", key).body(Api.T2V_BODY).post("/v2/text-to-video")
                    .then().extract().statusCode();
            if (status != 202) {
                Thread.sleep(250);
            }
        }
        return status;
    }

    /** Waits until the service answers a database-backed request again (it must recover by itself). */
    private static void awaitOk(Api.TestAccount account) {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        int status = 0;
        while (System.nanoTime() < deadline && status != 200) {
            status = account.as().get("/v2/balance").then().extract().statusCode();
            assertTrue(status == 200 || status == 503, "only 200 or 503 while recovering, got " + status);
            if (status != 200) {
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        assertEquals(200, status, "the service did not recover by itself within 20 s");
    }
}
