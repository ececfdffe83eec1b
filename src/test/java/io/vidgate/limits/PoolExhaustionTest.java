package io.vidgate.limits;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.vidgate.testing.Api;
import io.vidgate.testing.Ledger;
import io.vidgate.testing.TestDatabase;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static io.restassured.RestAssured.get;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** An exhausted database pool sheds with 503 at once instead of queueing every request until it times out. */
@QuarkusTest
@QuarkusTestResource(TestDatabase.class)
@TestProfile(PoolExhaustionTest.TinyPool.class)
class PoolExhaustionTest {

    public static class TinyPool implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.datasource.reactive.max-size", "2", "vidgate.db.max-wait-queue", "1");
        }
    }

    @TestHTTPResource("/v2/text-to-video")
    URI textToVideo;

    @Test
    void requestsPastThePoolsWaitQueueAreShedAtOnce() throws Exception {
        Api.TestAccount account = Api.account(100_000, 100);
        HttpClient client = HttpClient.newHttpClient();
        record Answer(int status, long millis, String body) {
        }
        List<Answer> all;
        try (Connection lock = TestDatabase.lockAccount(account.id())) {
            // Creates on this account now hold their connection while they wait on the row: the pool runs dry.
            List<CompletableFuture<Answer>> answers = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                long started = System.nanoTime();
                answers.add(client.sendAsync(HttpRequest.newBuilder(textToVideo)
                                .header("Authorization", "Bearer " + account.key())
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(Api.T2V_BODY)).build(),
                        HttpResponse.BodyHandlers.ofString())
                        .thenApply(r -> new Answer(r.statusCode(), (System.nanoTime() - started) / 1_000_000, r.body())));
                Thread.sleep(30);
            }
            get("/q/health/live").then().statusCode(200);
            all = answers.stream().map(CompletableFuture::join).toList();
            lock.rollback();
        }
        all.forEach(a -> {
            assertEquals(503, a.status(), "shed or timed out, never a 500: " + a);
            assertTrue(a.body().contains("\"type\":\"service_unavailable\""), a.body());
        });
        long fast = all.stream().filter(a -> a.millis() < 1000).count();
        assertTrue(fast >= 4, "most were shed at once rather than queued for the 2 s timeout: " + all);
        Ledger.assertConserved();
        account.json().body(Api.T2V_BODY).post("/v2/text-to-video").then().statusCode(202);
    }
}
