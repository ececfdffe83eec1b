package io.vidgate.jobs;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vidgate.testing.Api;
import io.vidgate.testing.Ledger;
import io.vidgate.testing.Race;
import io.vidgate.testing.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Real concurrent HTTP requests against one account: the database decides, and never overdraws. */
@QuarkusTest
@QuarkusTestResource(TestDatabase.class)
class ReservationRaceTest {

    @TestHTTPResource("/v2/text-to-video")
    URI textToVideo;

    @jakarta.inject.Inject
    io.vidgate.testing.Sweepers sweepers;

    @AfterEach
    void ledgerIsConserved() {
        Ledger.assertConserved();
    }

    @Test
    void fiftyRacingCreatesOnSevenJobsWorthOfCreditsReserveExactlySeven() {
        Api.TestAccount account = Api.account(7 * Api.T2V_COST, 1000);

        List<HttpResponse<String>> responses = Race.post(textToVideo, account.key(), Api.T2V_BODY, null, 50);

        assertEquals(7, Race.count(responses, 202), statuses(responses));
        assertEquals(43, Race.count(responses, 402), statuses(responses));
        responses.stream().filter(r -> r.statusCode() == 402).forEach(r -> assertTrue(
                r.body().contains("\"message\":\"Insufficient funds. Required: 64 credits\""), r.body()));
        account.as().get("/v2/balance").then().statusCode(200)
                .body("available", equalTo(0)).body("reserved", equalTo(7 * 64));
        assertEquals(7, Ledger.scalar("SELECT count(*) FROM jobs WHERE account_id = '" + account.id() + "'"));
    }

    @Test
    void twentyRacingCreatesAtConcurrencyLimitTwoAdmitExactlyTwo() {
        Api.TestAccount account = Api.account(100 * Api.T2V_COST, 2);

        List<HttpResponse<String>> responses = Race.post(textToVideo, account.key(), Api.T2V_BODY, null, 20);

        assertEquals(2, Race.count(responses, 202), statuses(responses));
        assertEquals(18, Race.count(responses, 429), statuses(responses));
        responses.stream().filter(r -> r.statusCode() == 429).forEach(r -> {
            assertTrue(r.body().contains("\"type\":\"concurrency_limit_error\""), r.body());
            assertTrue(Long.parseLong(r.headers().firstValue("Retry-After").orElseThrow()) >= 1);
        });
        account.as().get("/v2/balance").then().body("reserved", equalTo(2 * 64));
    }

    @Test
    void tenRacingCreatesWithOneIdempotencyKeyMakeOneJobAndOneHold() {
        Api.TestAccount account = Api.account(100 * Api.T2V_COST, 1000);

        List<HttpResponse<String>> responses = Race.post(textToVideo, account.key(), Api.T2V_BODY, "race-key-1", 10);

        assertEquals(10, Race.count(responses, 202), statuses(responses));
        Set<String> bodies = responses.stream().map(HttpResponse::body).collect(Collectors.toSet());
        assertEquals(1, bodies.size(), "every response has the same body: " + bodies);
        assertEquals(9, responses.stream()
                .filter(r -> r.headers().firstValue("Idempotent-Replayed").orElse("").equals("true")).count());
        assertEquals(1, Ledger.scalar("SELECT count(*) FROM jobs WHERE account_id = '" + account.id() + "'"));
        assertEquals(1, Ledger.scalar("SELECT count(*) FROM ledger_entries WHERE kind = 'reserve' AND account_id = '"
                + account.id() + "'"));
        account.as().get("/v2/balance").then().body("reserved", equalTo(64));
    }

    @Test
    void sameIdempotencyKeyWithAnotherBodyIsRefusedAndChangesNothing() {
        Api.TestAccount account = Api.account(100 * Api.T2V_COST, 1000);
        account.json().header("Idempotency-Key", "k-1").body(Api.T2V_BODY).post("/v2/text-to-video")
                .then().statusCode(202);
        // Same JSON with keys reordered and spaced differently is the same request: replayed.
        account.json().header("Idempotency-Key", "k-1")
                .body("{ \"resolution\": \"1920x1080\", \"duration\": 8, \"model\": \"ltx-2-3-pro\", "
                        + "\"prompt\": \"A lighthouse at dusk\" }")
                .post("/v2/text-to-video").then().statusCode(202).header("Idempotent-Replayed", "true");

        Api.assertError(account.json().header("Idempotency-Key", "k-1")
                        .body(Api.T2V_BODY.replace("\"duration\":8", "\"duration\":10")).post("/v2/text-to-video").then(),
                400, "invalid_request_error", "Idempotency-Key was already used with a different request body");
        account.as().get("/v2/balance").then().body("reserved", equalTo(64));
    }

    @Test
    void aRefusedCreateDoesNotUseUpItsIdempotencyKey() {
        Api.TestAccount account = Api.account(10, 1000);
        Api.assertError(account.json().header("Idempotency-Key", "after-top-up").body(Api.T2V_BODY)
                .post("/v2/text-to-video").then(), 402, "insufficient_funds_error", "Insufficient funds. Required: 64 credits");
        Api.grant(account.id(), 100);
        account.json().header("Idempotency-Key", "after-top-up").body(Api.T2V_BODY).post("/v2/text-to-video")
                .then().statusCode(202).header("Idempotent-Replayed", (String) null);
    }

    @Test
    void anIdempotencyKeyIsForgottenOnlyAfterItsRetention() {
        Api.TestAccount account = Api.account(100 * Api.T2V_COST, 1000);
        String first = account.json().header("Idempotency-Key", "kept-a-day").body(Api.T2V_BODY)
                .post("/v2/text-to-video").then().statusCode(202).extract().path("id");
        sweepers.sweepOnce().await().atMost(java.time.Duration.ofSeconds(10));
        account.json().header("Idempotency-Key", "kept-a-day").body(Api.T2V_BODY).post("/v2/text-to-video")
                .then().statusCode(202).header("Idempotent-Replayed", "true").body("id", equalTo(first));

        io.vidgate.testing.Queue.execute("UPDATE idempotency_keys SET created_at = now() - interval '25 hours' "
                + "WHERE account_id = '" + account.id() + "'");
        sweepers.sweepOnce().await().atMost(java.time.Duration.ofSeconds(10));
        String second = account.json().header("Idempotency-Key", "kept-a-day").body(Api.T2V_BODY)
                .post("/v2/text-to-video").then().statusCode(202).header("Idempotent-Replayed", (String) null)
                .extract().path("id");
        assertTrue(!first.equals(second), "a new job once the key was forgotten");
    }

    private static String statuses(List<HttpResponse<String>> responses) {
        return responses.stream().map(r -> r.statusCode() + "").collect(Collectors.joining(","));
    }
}
