package io.vidgate.it;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import static io.vidgate.it.PackagedApp.ADMIN_TOKEN;
import static io.vidgate.it.PackagedApp.expect;
import static io.vidgate.it.PackagedApp.json;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.notNullValue;

/**
 * Two packaged application processes (two pods) on one database: they share one rate-limit allowance per
 * account, a key revoked through one is refused by the other on the very next request, and the concurrency
 * limit holds across both.
 */
class TwoInstancesIT {

    private static final String T2V_BODY =
            "{\"prompt\":\"A lighthouse at dusk\",\"model\":\"ltx-2-3-pro\",\"duration\":8,\"resolution\":\"1920x1080\"}";
    /** 10 per minute = one request every 6 s: 30 requests well inside 6 s get exactly 10 through. */
    private static final long RATE_WINDOW_MILLIS = 6_000;

    /** Well-formed but issued to no one: authenticated by the limiter's statement, answered 401. */
    private static final String UNKNOWN_KEY = "vg_" + "x".repeat(43);

    private static PackagedApp.Database database;
    private static PackagedApp a;
    private static PackagedApp b;

    @BeforeAll
    static void startTwoInstances() {
        database = PackagedApp.Database.start();
        // Both start at once, as pods of one deployment do (both run the migrations; Flyway serialises them).
        a = PackagedApp.start("two-instances-a", PackagedApp.environment(PackagedApp.freePort(), database.port()));
        b = PackagedApp.start("two-instances-b", PackagedApp.environment(PackagedApp.freePort(), database.port()));
        a.awaitReady();
        b.awaitReady();
        for (PackagedApp app : List.of(a, b)) {
            // Warm both up (connections, prepared statements), so that the timed loops below are fast.
            for (int i = 0; i < 5; i++) {
                expect(200, app.get("/v2/models", null));
                expect(401, app.get("/v2/balance", UNKNOWN_KEY));
                expect(404, app.get("/admin/accounts/" + UUID.randomUUID(), ADMIN_TOKEN));
            }
        }
    }

    @AfterAll
    static void stop() {
        try {
            PackagedApp.closeAll(a, b);
        } finally {
            if (database != null) {
                database.close();
            }
        }
    }

    private record Outcomes(int ok, int limited, long millis) {
    }

    /** 30 GET /v2/balance, sent one after another on the given instances in turn; checks every 429. */
    private static Outcomes balanceRequests(String key, PackagedApp... instances) {
        int ok = 0;
        int limited = 0;
        long start = System.nanoTime();
        for (int i = 0; i < 30; i++) {
            HttpResponse<String> response = instances[i % instances.length].get("/v2/balance", key);
            if (response.statusCode() == 200) {
                ok++;
            } else if (response.statusCode() == 429) {
                limited++;
                assertThat(json(response).at("/error/type").asText(), equalTo("rate_limit_error"));
                String retryAfter = response.headers().firstValue("Retry-After").orElse(null);
                assertThat("Retry-After of a 429", retryAfter, notNullValue());
                assertThat(Integer.parseInt(retryAfter), greaterThanOrEqualTo(1));
            } else {
                throw new AssertionError("unexpected " + response.statusCode() + ": " + response.body());
            }
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        // Past 6 s one more request would legitimately pass: the counts below would then prove nothing.
        assertThat("30 requests must be sent within one 6 s interval (took " + millis + " ms)",
                millis, lessThan(RATE_WINDOW_MILLIS));
        return new Outcomes(ok, limited, millis);
    }

    private static PackagedApp.Account limitedAccount(String name) {
        return a.account(Map.of("name", name, "rate_limit_per_minute", 10, "concurrency_limit", 100), 100_000);
    }

    @Test
    void bothInstancesShareOneRateLimitAndARevokedKeyIsRefusedByTheOtherAtOnce() {
        PackagedApp.Account account = limitedAccount("two-instances-rate");

        Outcomes alternating = balanceRequests(account.key(), a, b);
        assertThat("200s across A and B (" + alternating.millis() + " ms)", alternating.ok(), equalTo(10));
        assertThat("429s across A and B", alternating.limited(), equalTo(20));

        // Revoke through B; the very next request on A is refused.
        JsonNode keys = json(expect(200, b.get("/admin/accounts/" + account.id() + "/api-keys", ADMIN_TOKEN)))
                .get("data");
        assertThat(keys.size(), equalTo(1));
        expect(204, b.delete("/admin/api-keys/" + keys.get(0).get("id").asText(), ADMIN_TOKEN));
        HttpResponse<String> afterRevoke = a.get("/v2/balance", account.key());
        assertThat(afterRevoke.body(), afterRevoke.statusCode(), equalTo(401));
        assertThat(json(afterRevoke).at("/error/type").asText(), equalTo("authentication_error"));
    }

    @Test
    void oneInstanceGivesTheSameCountsAsTwo() {
        PackagedApp.Account account = limitedAccount("one-instance-rate");
        Outcomes single = balanceRequests(account.key(), a);
        assertThat("200s on A alone (" + single.millis() + " ms)", single.ok(), equalTo(10));
        assertThat("429s on A alone", single.limited(), equalTo(20));
    }

    @Test
    void theConcurrencyLimitHoldsAcrossInstances() {
        PackagedApp.Account account = a.account(
                Map.of("name", "two-instances-concurrency", "rate_limit_per_minute", 100_000, "concurrency_limit", 2),
                100_000);

        List<CompletableFuture<HttpResponse<String>>> sent = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            PackagedApp instance = i % 2 == 0 ? a : b;
            HttpRequest create = instance.request("/v2/text-to-video", account.key())
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(T2V_BODY))
                    .build();
            sent.add(PackagedApp.HTTP.sendAsync(create, HttpResponse.BodyHandlers.ofString()));
        }
        int accepted = 0;
        int limited = 0;
        List<String> other = new ArrayList<>();
        for (CompletableFuture<HttpResponse<String>> future : sent) {
            HttpResponse<String> response = future.join();
            if (response.statusCode() == 202) {
                accepted++;
            } else if (response.statusCode() == 429
                    && json(response).at("/error/type").asText().equals("concurrency_limit_error")) {
                limited++;
            } else {
                other.add(response.statusCode() + " " + response.body());
            }
        }
        assertThat("unexpected responses: " + other, other.size(), equalTo(0));
        assertThat("202s", accepted, equalTo(2));
        assertThat("429 concurrency_limit_error", limited, equalTo(18));

        JsonNode balance = json(expect(200, b.get("/v2/balance", account.key())));
        assertThat("two jobs held", balance.get("reserved").asLong(), equalTo(2 * 64L));
        assertThat(balance.get("available").asLong(), equalTo(100_000 - 2 * 64L));
    }
}
