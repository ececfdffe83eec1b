package io.vidgate.db;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;
import io.smallrye.faulttolerance.api.CircuitBreakerState;
import io.vidgate.testing.Api;
import io.vidgate.testing.Ledger;
import io.vidgate.testing.TestDatabase;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.time.Duration;

import static io.restassured.RestAssured.get;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The database stalls or goes away: requests answer 503 service_unavailable with Retry-After within
 * VIDGATE_DB_TIMEOUT (2 s in tests) plus a margin, never a 500 or a hang, and service resumes by itself.
 */
@QuarkusTest
@QuarkusTestResource(TestDatabase.class)
class DatabaseFaultTest {

    /** VIDGATE_DB_TIMEOUT of the test profile, plus a margin for the test's own HTTP round trip. */
    private static final Duration BOUND = Duration.ofMillis(2000 + 1500);

    @Inject
    CircuitBreakerMaintenance breakers;

    @AfterEach
    void recover() {
        breakers.resetAll();
        Ledger.assertConserved();
    }

    @Test
    void aStalledDatabaseAnswers503WithinTheTimeoutThenServesAgain() throws Exception {
        Api.TestAccount account = Api.account(1000, 5);
        try (Connection lock = TestDatabase.lockAccount(account.id())) {
            long started = System.nanoTime();
            Api.assertError(account.json().body(Api.T2V_BODY).post("/v2/text-to-video").then(), 503,
                    "service_unavailable", "Service temporarily unavailable")
                    .header("Retry-After", org.hamcrest.Matchers.notNullValue());
            assertWithin(started);
            lock.rollback();
        }
        account.json().body(Api.T2V_BODY).post("/v2/text-to-video").then().statusCode(202);
        // The statement that timed out was cancelled by the server (statement_timeout): one job, not two.
        account.as().get("/v2/balance").then().body("reserved", equalTo(64));
    }

    @Test
    void aDatabaseThatIsDownAnswers503AndTheServiceRecoversWhenItIsBack() throws Exception {
        Api.TestAccount account = Api.account(1000, 5);
        TestDatabase.stopServer();
        try {
            for (int i = 0; i < 3; i++) {
                long started = System.nanoTime();
                Api.assertError(account.as().get("/v2/balance").then(), 503, "service_unavailable",
                        "Service temporarily unavailable").header("Retry-After", equalTo("2"));
                assertWithin(started);
            }
            long started = System.nanoTime();
            get("/q/health/ready").then().statusCode(503).body("status", equalTo("DOWN"));
            assertWithin(started);
            get("/q/health/live").then().statusCode(200);
        } finally {
            TestDatabase.restartServer();
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        int status = 0;
        while (System.nanoTime() < deadline && status != 200) {
            status = account.as().get("/v2/balance").then().extract().statusCode();
            assertTrue(status == 200 || status == 503, "only 200 or 503 while recovering, got " + status);
            if (status != 200) {
                Thread.sleep(250);
            }
        }
        account.as().get("/v2/balance").then().statusCode(200).body("available", equalTo(1000));
        get("/q/health/ready").then().statusCode(200);
        account.json().body(Api.T2V_BODY).post("/v2/text-to-video").then().statusCode(202);
    }

    @Test
    void aDatabaseThatKeepsFailingOpensTheCircuitWhichAnswers503AtOnceAndClosesAgain() throws Exception {
        Api.TestAccount account = Api.account(1000, 5);
        TestDatabase.stopServer();
        try {
            for (int i = 0; i < 25; i++) {
                account.as().get("/v2/balance").then().statusCode(503);
            }
            assertEquals(CircuitBreakerState.OPEN, breakers.currentState(DatabaseGuard.BREAKER_NAME));
            long started = System.nanoTime();
            Api.assertError(account.as().get("/v2/balance").then(), 503, "service_unavailable",
                    "Service temporarily unavailable").header("Retry-After", equalTo("2"));
            assertTrue(Duration.ofNanos(System.nanoTime() - started).toMillis() < 500, "an open circuit answers at once");
        } finally {
            TestDatabase.restartServer();
        }
        // The breaker lets a trial request through after its delay (3 s) and closes when it succeeds.
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline
                && account.as().get("/v2/balance").then().extract().statusCode() != 200) {
            Thread.sleep(250);
        }
        account.as().get("/v2/balance").then().statusCode(200);
        assertEquals(CircuitBreakerState.CLOSED, breakers.currentState(DatabaseGuard.BREAKER_NAME));
    }

    private static void assertWithin(long startedNanos) {
        Duration took = Duration.ofNanos(System.nanoTime() - startedNanos);
        assertTrue(took.compareTo(BOUND) < 0, "answered after " + took.toMillis() + " ms, bound " + BOUND.toMillis());
    }
}
