package io.vidgate.limits;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.pgclient.PgPool;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.PoolOptions;
import io.vidgate.http.DatabaseFailures;
import io.vidgate.testing.Api;
import io.vidgate.testing.Ledger;
import io.vidgate.testing.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static io.restassured.RestAssured.get;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A saturated service sheds load at once with 503 + Retry-After, and stays observable while it does. */
@QuarkusTest
@QuarkusTestResource(TestDatabase.class)
@TestProfile(OverloadTest.FewInFlight.class)
class OverloadTest {

    public static class FewInFlight implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("vidgate.overload.max-in-flight", "4");
        }
    }

    @TestHTTPResource("/v2/text-to-video")
    URI textToVideo;

    @AfterEach
    void ledgerIsConserved() {
        Ledger.assertConserved();
    }

    @Test
    void pastTheInFlightLimitRequestsAreShedAtOnceWhileHealthAndMetricsAnswer() throws Exception {
        Api.TestAccount account = Api.account(100_000, 100);
        HttpClient client = HttpClient.newHttpClient();
        record Answer(int status, String retryAfter, long millis, String body) {
        }
        try (Connection lock = TestDatabase.lockAccount(account.id())) {
            // Every create on this account now waits on its row: the service is saturated.
            List<CompletableFuture<Answer>> answers = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                long started = System.nanoTime();
                HttpRequest request = HttpRequest.newBuilder(textToVideo)
                        .header("Authorization", "Bearer " + account.key())
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(Api.T2V_BODY)).build();
                answers.add(client.sendAsync(request, HttpResponse.BodyHandlers.ofString())
                        .thenApply(r -> new Answer(r.statusCode(), r.headers().firstValue("Retry-After").orElse(null),
                                (System.nanoTime() - started) / 1_000_000, r.body())));
                Thread.sleep(20);
            }
            long started = System.nanoTime();
            get("/q/health/live").then().statusCode(200);
            get("/q/metrics").then().statusCode(200);
            assertTrue((System.nanoTime() - started) / 1_000_000 < 1000, "health and metrics answer while shedding");

            List<Answer> all = answers.stream().map(CompletableFuture::join).toList();
            lock.rollback();
            long shed = all.stream().filter(a -> a.status() == 503 && "1".equals(a.retryAfter())).count();
            assertEquals(8, shed, all.toString());
            all.stream().filter(a -> "1".equals(a.retryAfter()))
                    .forEach(a -> assertTrue(a.millis() < 1000, "shed at once, not queued: " + a));
            all.forEach(a -> {
                assertEquals(503, a.status(), "saturated: nothing succeeds, nothing is a 500: " + a);
                assertTrue(a.body().contains("\"type\":\"service_unavailable\""), a.body());
            });
        }
        assertEquals(0, Ledger.scalar("SELECT count(*) FROM jobs WHERE account_id = '" + account.id() + "'"),
                "the creates that timed out were cancelled by the database");
        account.json().body(Api.T2V_BODY).post("/v2/text-to-video").then().statusCode(202);
    }

    @Test
    void aFullConnectionPoolIsAnUnavailableDatabaseWhichIsA503() {
        Vertx vertx = Vertx.vertx();
        Pool pool = PgPool.pool(vertx, PgConnectOptions.fromUri(TestDatabase.jdbcUrl().substring("jdbc:".length()))
                .setUser("postgres").setPassword("postgres"), new PoolOptions().setMaxSize(1).setMaxWaitQueueSize(0));
        try {
            SqlConnection busy = pool.getConnection().await().atMost(Duration.ofSeconds(5));
            Throwable refused = assertThrows(Throwable.class,
                    () -> pool.query("SELECT 1").execute().await().atMost(Duration.ofSeconds(5)));
            assertTrue(DatabaseFailures.isUnavailable(refused), "classified as unavailable: " + refused);
            busy.closeAndAwait();
        } finally {
            pool.closeAndAwait();
            vertx.closeAndAwait();
        }
    }
}
