package io.vidgate.limits;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusMock;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.pgclient.PgPool;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.PoolOptions;
import io.vidgate.testing.Api;
import io.vidgate.testing.Ledger;
import io.vidgate.testing.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Per-account GCRA rate limiting, with a clock the test moves instead of sleeping. */
@QuarkusTest
@QuarkusTestResource(TestDatabase.class)
class RateLimitTest {

    /** A clock the test sets; it starts at the real time so that no other account's state is disturbed. */
    static class TestClock extends RateLimitClock {
        final AtomicLong micros = new AtomicLong(System.currentTimeMillis() * 1000);

        @Override
        public Long nowMicros() {
            return micros.get();
        }

        void advance(Duration by) {
            micros.addAndGet(by.toNanos() / 1000);
        }
    }

    private final TestClock clock = new TestClock();

    @BeforeEach
    void installClock() {
        QuarkusMock.installMockForType(clock, RateLimitClock.class);
    }

    @AfterEach
    void ledgerIsConserved() {
        Ledger.assertConserved();
    }

    private static Api.TestAccount accountWithLimit(int perMinute) {
        Api.TestAccount account = Api.account(10_000, 100);
        Api.admin().body(Map.of("rate_limit_per_minute", perMinute)).patch("/admin/accounts/" + account.id())
                .then().statusCode(200);
        return account;
    }

    @Test
    void aBurstUpToTheLimitPassesTheNextWaitsExactlyOneIntervalThenPasses() {
        Api.TestAccount account = accountWithLimit(10); // one request every 6 s, bursts of 10
        for (int i = 1; i <= 10; i++) {
            account.as().get("/v2/balance").then().statusCode(200)
                    .header("RateLimit-Limit", "10")
                    .header("RateLimit-Remaining", String.valueOf(10 - i))
                    .header("RateLimit-Reset", String.valueOf(6 * i));
        }
        Api.assertError(account.as().get("/v2/balance").then(), 429, "rate_limit_error",
                        "Rate limit exceeded. Please try again later.")
                .header("Retry-After", "6")
                .header("RateLimit-Remaining", "0")
                .header("RateLimit-Limit", "10");

        clock.advance(Duration.ofMillis(5_900));
        Api.assertError(account.as().get("/v2/balance").then(), 429, "rate_limit_error").header("Retry-After", "1");

        clock.advance(Duration.ofMillis(100));
        account.as().get("/v2/balance").then().statusCode(200).header("RateLimit-Remaining", "0");
        Api.assertError(account.as().get("/v2/balance").then(), 429, "rate_limit_error").header("Retry-After", "6");
    }

    @Test
    void everyAuthenticatedRequestCountsAndARefusedCreateChangesNothing() {
        Api.TestAccount account = accountWithLimit(3);
        account.json().body("{}").post("/v2/text-to-video").then().statusCode(400).header("RateLimit-Remaining", "2");
        account.as().get("/v2/jobs/00000000-0000-4000-8000-000000000000").then().statusCode(404)
                .header("RateLimit-Remaining", "1");
        account.json().body(Api.T2V_BODY).post("/v2/text-to-video").then().statusCode(202)
                .header("RateLimit-Remaining", "0");
        Api.assertError(account.json().body(Api.T2V_BODY).post("/v2/text-to-video").then(), 429, "rate_limit_error")
                .header("Retry-After", "20");
        assertEquals(1, Ledger.scalar("SELECT count(*) FROM jobs WHERE account_id = '" + account.id() + "'"));
    }

    @Test
    void aNewLimitAppliesToTheNextRequest() {
        Api.TestAccount account = accountWithLimit(2);
        account.as().get("/v2/balance").then().statusCode(200);
        account.as().get("/v2/balance").then().statusCode(200);
        Api.assertError(account.as().get("/v2/balance").then(), 429, "rate_limit_error").header("Retry-After", "30");

        Api.admin().body(Map.of("rate_limit_per_minute", 600)).patch("/admin/accounts/" + account.id())
                .then().statusCode(200);
        // The two requests made count as two of the new 600: this third one leaves 597.
        account.as().get("/v2/balance").then().statusCode(200).header("RateLimit-Limit", "600")
                .header("RateLimit-Remaining", "597");
    }

    @Test
    void limitsAreCountedPerAccount() {
        Api.TestAccount busy = accountWithLimit(1);
        Api.TestAccount quiet = accountWithLimit(1);
        busy.as().get("/v2/balance").then().statusCode(200);
        Api.assertError(busy.as().get("/v2/balance").then(), 429, "rate_limit_error");
        quiet.as().get("/v2/balance").then().statusCode(200);
    }

    @Test
    void twoInstancesOnOneDatabaseShareOneAllowance() {
        // A second limiter with its own connection pool and no shared memory stands for a second pod.
        Vertx vertx = Vertx.vertx();
        Pool otherPod = PgPool.pool(vertx, PgConnectOptions.fromUri(TestDatabase.jdbcUrl().substring("jdbc:".length()))
                .setUser("postgres").setPassword("postgres"), new PoolOptions().setMaxSize(2));
        try {
            RateLimiter secondInstance = new RateLimiter(otherPod, clock);
            Api.TestAccount spread = accountWithLimit(10);
            Api.TestAccount single = accountWithLimit(10);
            int refusedSpread = 0;
            int refusedSingle = 0;
            for (int i = 0; i < 30; i++) {
                boolean allowed = i % 2 == 0
                        ? spread.as().get("/v2/balance").then().extract().statusCode() == 200
                        : secondInstance.authenticate(spread.key()).await().atMost(Duration.ofSeconds(5)).decision().allowed();
                refusedSpread += allowed ? 0 : 1;
                refusedSingle += single.as().get("/v2/balance").then().extract().statusCode() == 429 ? 1 : 0;
            }
            assertEquals(20, refusedSingle);
            assertEquals(refusedSingle, refusedSpread, "the same allowance, however the requests are spread");
        } finally {
            otherPod.closeAndAwait();
            vertx.closeAndAwait();
        }
    }

    @Test
    void aRevokedKeyFailsOnTheNextRequestOnEveryInstance() {
        Vertx vertx = Vertx.vertx();
        Pool otherPod = PgPool.pool(vertx, PgConnectOptions.fromUri(TestDatabase.jdbcUrl().substring("jdbc:".length()))
                .setUser("postgres").setPassword("postgres"), new PoolOptions().setMaxSize(1));
        try {
            RateLimiter secondInstance = new RateLimiter(otherPod, clock);
            Api.TestAccount account = accountWithLimit(600);
            String keyId = Api.admin().get("/admin/accounts/" + account.id() + "/api-keys").then()
                    .extract().path("data[0].id");
            account.as().get("/v2/balance").then().statusCode(200);
            assertNotNull(secondInstance.authenticate(account.key()).await().atMost(Duration.ofSeconds(5)));

            Api.admin().delete("/admin/api-keys/" + keyId).then().statusCode(204);

            // No key cache anywhere: the bound is zero, the very next request fails on every instance.
            ValidatableResponse next = account.as().get("/v2/balance").then();
            Api.assertError(next, 401, "authentication_error", "Invalid API key");
            assertNull(secondInstance.authenticate(account.key()).await().atMost(Duration.ofSeconds(5)));
        } finally {
            otherPod.closeAndAwait();
            vertx.closeAndAwait();
        }
    }

    @Test
    void theAdminApiAndTheCatalogAreNotRateLimited() {
        Api.admin().get("/admin/accounts/00000000-0000-4000-8000-000000000000").then().statusCode(404)
                .header("RateLimit-Limit", (String) null);
        io.restassured.RestAssured.get("/v2/models").then().statusCode(200).header("RateLimit-Limit", (String) null)
                .body("data[0].id", equalTo("ltx-2-3-fast"));
    }
}
