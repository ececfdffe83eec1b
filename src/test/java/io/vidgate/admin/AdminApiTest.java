package io.vidgate.admin;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.response.ValidatableResponse;
import io.vidgate.testing.Api;
import io.vidgate.testing.Ledger;
import io.vidgate.testing.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The admin API of docs/api.md section 3: accounts, API keys and credits, and what they do to the public API. */
@QuarkusTest
@QuarkusTestResource(TestDatabase.class)
class AdminApiTest {

    private static final String UUID_PATTERN = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
    private static final String TIME_PATTERN = "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z";
    private static final String KEY_PATTERN = "vg_[A-Za-z0-9_-]{43}";

    @AfterAll
    static void moneyIsConserved() {
        Ledger.assertConserved();
    }

    static ValidatableResponse assertError(Response response, int status, String type, String message) {
        return Api.assertError(response.then(), status, type, message)
                .header("x-request-id", matchesPattern("[0-9a-f]{32}"));
    }

    static ValidatableResponse assertError(Response response, int status, String type) {
        return Api.assertError(response.then(), status, type)
                .header("x-request-id", matchesPattern("[0-9a-f]{32}"));
    }

    static String newAccount(Map<String, Object> body) {
        return Api.admin().body(body).post("/admin/accounts").then().statusCode(201).extract().path("id");
    }

    static Response credit(String accountId, Object body) {
        return Api.admin().body(body).post("/admin/accounts/" + accountId + "/credits");
    }

    static String issueKey(String accountId) {
        return Api.admin().post("/admin/accounts/" + accountId + "/api-keys").then().statusCode(201)
                .extract().path("key");
    }

    // ---- accounts -----------------------------------------------------------------------------------------

    @Test
    void createsAnAccountWithTheDefaults() {
        Map<String, Object> account = Api.admin().body(Map.of("name", "Acme Studios")).post("/admin/accounts")
                .then().statusCode(201)
                .contentType(startsWith("application/json"))
                .body("id", matchesPattern(UUID_PATTERN))
                .body("name", equalTo("Acme Studios"))
                .body("concurrency_limit", equalTo(2))
                .body("rate_limit_per_minute", equalTo(600))
                .body("webhook_secret", startsWith("whsec_"))
                .body("created_at", matchesPattern(TIME_PATTERN))
                .body("balance", equalTo(Map.of("available", 0, "reserved", 0)))
                .extract().jsonPath().getMap("$");
        assertEquals(Set.of("id", "name", "concurrency_limit", "rate_limit_per_minute", "webhook_secret",
                "created_at", "balance"), account.keySet());

        String secret = (String) account.get("webhook_secret");
        assertEquals(32, Base64.getDecoder().decode(secret.substring("whsec_".length())).length);

        String other = Api.admin().body(Map.of("name", "Other")).post("/admin/accounts").then().statusCode(201)
                .extract().path("webhook_secret");
        assertNotEquals(secret, other, "every account gets its own webhook secret");

        Map<String, Object> read = Api.admin().get("/admin/accounts/" + account.get("id")).then().statusCode(200)
                .extract().jsonPath().getMap("$");
        assertEquals(account, read);
    }

    @Test
    void createsAnAccountWithLimitsAtTheirBounds() {
        Api.admin().body(Map.of("name", "Big", "concurrency_limit", 1000, "rate_limit_per_minute", 100_000))
                .post("/admin/accounts").then().statusCode(201)
                .body("concurrency_limit", equalTo(1000)).body("rate_limit_per_minute", equalTo(100_000));
        Api.admin().body(Map.of("name", "Small", "concurrency_limit", 1, "rate_limit_per_minute", 1))
                .post("/admin/accounts").then().statusCode(201)
                .body("concurrency_limit", equalTo(1)).body("rate_limit_per_minute", equalTo(1));
    }

    @Test
    void theNameIsRequired() {
        assertError(Api.admin().body("{}").post("/admin/accounts"), 400, "invalid_request_error", "name is required");
        assertError(Api.admin().body("{\"name\":null,\"concurrency_limit\":3}").post("/admin/accounts"), 400,
                "invalid_request_error", "name is required");
        assertError(Api.admin().body(Map.of("name", "  ")).post("/admin/accounts"), 400, "invalid_request_error",
                "name must not be blank");
        assertError(Api.admin().body(Map.of("name", 5)).post("/admin/accounts"), 400, "invalid_request_error",
                "name must be a string");
        assertError(Api.admin().body(Map.of("name", "n".repeat(201))).post("/admin/accounts"), 400,
                "invalid_request_error", "name must be at most 200 characters");
        Api.admin().body(Map.of("name", "n".repeat(200))).post("/admin/accounts").then().statusCode(201);
    }

    @Test
    void limitsOutOfRangeAre400() {
        for (int bad : new int[] {0, -1, 1001}) {
            assertError(Api.admin().body(Map.of("name", "x", "concurrency_limit", bad)).post("/admin/accounts"), 400,
                    "invalid_request_error", "concurrency_limit must be between 1 and 1000");
        }
        for (int bad : new int[] {0, -5, 100_001}) {
            assertError(Api.admin().body(Map.of("name", "x", "rate_limit_per_minute", bad)).post("/admin/accounts"),
                    400, "invalid_request_error", "rate_limit_per_minute must be between 1 and 100000");
        }
        assertError(Api.admin().body(Map.of("name", "x", "concurrency_limit", "2")).post("/admin/accounts"), 400,
                "invalid_request_error", "concurrency_limit must be an integer");
        assertError(Api.admin().body(Map.of("name", "x", "rate_limit_per_minute", 60.5)).post("/admin/accounts"),
                400, "invalid_request_error", "rate_limit_per_minute must be an integer");
    }

    @Test
    void anUnknownFieldIs400() {
        assertError(Api.admin().body(Map.of("name", "x", "credits", 500)).post("/admin/accounts"), 400,
                "invalid_request_error", "Unknown parameter: credits");
        String id = newAccount(Map.of("name", "x"));
        assertError(Api.admin().body(Map.of("balance", 500)).patch("/admin/accounts/" + id), 400,
                "invalid_request_error", "Unknown parameter: balance");
        assertError(Api.admin().body(Map.of("name", "k", "scopes", List.of("all")))
                .post("/admin/accounts/" + id + "/api-keys"), 400, "invalid_request_error", "Unknown parameter: scopes");
        assertError(credit(id, Map.of("amount", 5, "currency", "usd")), 400, "invalid_request_error",
                "Unknown parameter: currency");
    }

    @Test
    void theAdminApiNeedsTheAdminToken() {
        assertError(given().contentType("application/json").body(Map.of("name", "x")).post("/admin/accounts"), 401,
                "authentication_error", "Missing authorization header");
        assertError(given().header("Authorization", "Bearer not-the-token").contentType("application/json")
                .body(Map.of("name", "x")).post("/admin/accounts"), 401, "authentication_error");
        assertError(Api.admin().contentType("text/plain").body("{\"name\":\"x\"}").post("/admin/accounts"), 415,
                "invalid_request_error", "Content-Type must be application/json");
    }

    @Test
    void patchChangesOnlyTheGivenFields() {
        String id = newAccount(Map.of("name", "Before"));
        Map<String, Object> before = Api.admin().get("/admin/accounts/" + id).then().extract().jsonPath().getMap("$");

        Api.admin().body(Map.of("concurrency_limit", 5, "rate_limit_per_minute", 60)).patch("/admin/accounts/" + id)
                .then().statusCode(200)
                .body("id", equalTo(id)).body("name", equalTo("Before"))
                .body("concurrency_limit", equalTo(5)).body("rate_limit_per_minute", equalTo(60))
                .body("webhook_secret", equalTo(before.get("webhook_secret")))
                .body("created_at", equalTo(before.get("created_at")));
        Api.admin().body(Map.of("name", "After")).patch("/admin/accounts/" + id).then().statusCode(200)
                .body("name", equalTo("After")).body("concurrency_limit", equalTo(5))
                .body("rate_limit_per_minute", equalTo(60));
        Api.admin().body("{}").patch("/admin/accounts/" + id).then().statusCode(200).body("name", equalTo("After"));

        Api.admin().get("/admin/accounts/" + id).then().statusCode(200)
                .body("name", equalTo("After")).body("concurrency_limit", equalTo(5))
                .body("rate_limit_per_minute", equalTo(60));

        assertError(Api.admin().body(Map.of("concurrency_limit", 0)).patch("/admin/accounts/" + id), 400,
                "invalid_request_error", "concurrency_limit must be between 1 and 1000");
        assertError(Api.admin().body(Map.of("name", "")).patch("/admin/accounts/" + id), 400,
                "invalid_request_error", "name must not be blank");
        Api.admin().get("/admin/accounts/" + id).then().body("concurrency_limit", equalTo(5))
                .body("name", equalTo("After"));
    }

    @Test
    void aPatchedConcurrencyLimitTakesEffect() {
        Api.TestAccount account = Api.account(1000, 3);
        Api.admin().body(Map.of("concurrency_limit", 1)).patch("/admin/accounts/" + account.id())
                .then().statusCode(200).body("concurrency_limit", equalTo(1));
        account.json().body(Api.T2V_BODY).post("/v2/text-to-video").then().statusCode(202);
        Api.assertError(account.json().body(Api.T2V_BODY).post("/v2/text-to-video").then(), 429,
                "concurrency_limit_error", "Too many concurrent requests. Please try again later.");

        Api.admin().body(Map.of("concurrency_limit", 2)).patch("/admin/accounts/" + account.id())
                .then().statusCode(200);
        account.json().body(Api.T2V_BODY).post("/v2/text-to-video").then().statusCode(202);
        Api.admin().get("/admin/accounts/" + account.id()).then()
                .body("balance", equalTo(Map.of("available", 872, "reserved", 128)));
    }

    @Test
    void anUnknownOrMalformedAccountIdIs404() {
        for (String id : new String[] {UUID.randomUUID().toString(), "not-a-uuid", "1"}) {
            assertError(Api.admin().get("/admin/accounts/" + id), 404, "not_found_error", "Account not found");
            assertError(Api.admin().body(Map.of("name", "x")).patch("/admin/accounts/" + id), 404,
                    "not_found_error", "Account not found");
            assertError(Api.admin().post("/admin/accounts/" + id + "/api-keys"), 404, "not_found_error",
                    "Account not found");
            assertError(Api.admin().get("/admin/accounts/" + id + "/api-keys"), 404, "not_found_error",
                    "Account not found");
            assertError(credit(id, Map.of("amount", 5)), 404, "not_found_error", "Account not found");
        }
    }

    // ---- API keys -----------------------------------------------------------------------------------------

    @Test
    void issuesKeysThatWorkOnThePublicApi() {
        String id = newAccount(Map.of("name", "Keys"));
        Map<String, Object> issued = Api.admin().body(Map.of("name", "ci")).post("/admin/accounts/" + id + "/api-keys")
                .then().statusCode(201)
                .body("id", matchesPattern(UUID_PATTERN))
                .body("key", matchesPattern(KEY_PATTERN))
                .body("name", equalTo("ci"))
                .body("created_at", matchesPattern(TIME_PATTERN))
                .extract().jsonPath().getMap("$");
        String key = (String) issued.get("key");
        assertEquals(key.substring(0, 10), issued.get("prefix"));
        assertTrue(((String) issued.get("prefix")).startsWith("vg_"));
        assertEquals(Set.of("id", "key", "prefix", "name", "created_at"), issued.keySet());

        String unnamed = issueKey(id);
        assertNotEquals(key, unnamed);

        given().header("Authorization", "Bearer " + key).get("/v2/balance").then().statusCode(200)
                .body("available", equalTo(0)).body("reserved", equalTo(0)).body("currency", equalTo("credits"));
        given().header("Authorization", "Bearer " + unnamed).get("/v2/balance").then().statusCode(200);

        String listing = Api.admin().get("/admin/accounts/" + id + "/api-keys").then().statusCode(200)
                .body("data.size()", equalTo(2))
                .body("data", everyItem(not(hasKey("key"))))
                .body("data.id", containsInAnyOrder(issued.get("id"), issuedIdOf(id, unnamed)))
                .body("data.prefix", containsInAnyOrder(key.substring(0, 10), unnamed.substring(0, 10)))
                .extract().asString();
        assertTrue(!listing.contains(key) && !listing.contains(unnamed), "the listing holds no secret: " + listing);
    }

    private static String issuedIdOf(String accountId, String key) {
        List<Map<String, Object>> keys = Api.admin().get("/admin/accounts/" + accountId + "/api-keys").then()
                .extract().jsonPath().getList("data");
        return keys.stream().filter(k -> key.startsWith((String) k.get("prefix")))
                .map(k -> (String) k.get("id")).findFirst().orElseThrow();
    }

    @Test
    void aRevokedKeyIsRefusedFromTheNextRequestOn() {
        String id = newAccount(Map.of("name", "Revoke"));
        Api.grant(id, 10);
        String revoked = issueKey(id);
        String kept = issueKey(id);
        given().header("Authorization", "Bearer " + revoked).get("/v2/balance").then().statusCode(200);

        String keyId = issuedIdOf(id, revoked);
        Api.admin().delete("/admin/api-keys/" + keyId).then().statusCode(204).body(equalTo(""));

        assertError(given().header("Authorization", "Bearer " + revoked).get("/v2/balance"), 401,
                "authentication_error", "Invalid API key");
        given().header("Authorization", "Bearer " + kept).get("/v2/balance").then().statusCode(200)
                .body("available", equalTo(10));
        Api.admin().get("/admin/accounts/" + id + "/api-keys").then().statusCode(200)
                .body("data.size()", equalTo(2))
                .body("data.find { it.id == '" + keyId + "' }.revoked_at", matchesPattern(TIME_PATTERN))
                .body("data.find { it.id != '" + keyId + "' }.revoked_at", nullValue());
    }

    @Test
    void revokingAnUnknownKeyIs404() {
        assertError(Api.admin().delete("/admin/api-keys/" + UUID.randomUUID()), 404, "not_found_error");
        assertError(Api.admin().delete("/admin/api-keys/not-a-uuid"), 404, "not_found_error");
        assertError(given().delete("/admin/api-keys/" + UUID.randomUUID()), 401, "authentication_error",
                "Missing authorization header");
    }

    // ---- credits ------------------------------------------------------------------------------------------

    @Test
    void grantsAndAdjustmentsAreLedgerEntries() {
        String id = newAccount(Map.of("name", "Credits"));
        Map<String, Object> grant = credit(id, Map.of("amount", 500, "description", "Welcome credits"))
                .then().statusCode(201)
                .body("id", matchesPattern(UUID_PATTERN))
                .body("kind", equalTo("grant"))
                .body("amount", equalTo(500))
                .body("available_after", equalTo(500))
                .body("reserved_after", equalTo(0))
                .body("job_id", nullValue())
                .body("description", equalTo("Welcome credits"))
                .body("created_at", matchesPattern(TIME_PATTERN))
                .extract().jsonPath().getMap("$");
        assertEquals(Set.of("id", "kind", "amount", "available_after", "reserved_after", "job_id", "description",
                "created_at"), grant.keySet());

        credit(id, Map.of("amount", -200)).then().statusCode(201)
                .body("kind", equalTo("adjustment")).body("amount", equalTo(-200))
                .body("available_after", equalTo(300)).body("description", notNullValue());
        credit(id, Map.of("amount", 1)).then().statusCode(201)
                .body("kind", equalTo("grant")).body("description", notNullValue());

        Api.admin().get("/admin/accounts/" + id).then()
                .body("balance", equalTo(Map.of("available", 301, "reserved", 0)));
        Ledger.assertConserved();
    }

    @Test
    void anAdjustmentBelowZeroIs402AndChangesNothing() {
        String id = newAccount(Map.of("name", "Overdraw"));
        Api.grant(id, 300);
        assertError(credit(id, Map.of("amount", -301)), 402, "insufficient_funds_error",
                "Insufficient funds. Required: 301 credits");

        Api.TestAccount account = new Api.TestAccount(id, issueKey(id));
        account.json().body(Api.T2V_BODY).post("/v2/text-to-video").then().statusCode(202);
        // 236 available, 64 held: an adjustment may not take the held credits.
        assertError(credit(id, Map.of("amount", -237)), 402, "insufficient_funds_error",
                "Insufficient funds. Required: 237 credits");
        account.as().get("/v2/balance").then().body("available", equalTo(236)).body("reserved", equalTo(64));
        account.as().get("/v2/ledger").then().body("data.kind", contains("reserve", "grant"));

        credit(id, Map.of("amount", -236)).then().statusCode(201)
                .body("kind", equalTo("adjustment")).body("available_after", equalTo(0))
                .body("reserved_after", equalTo(64));
        Ledger.assertConserved();
    }

    @Test
    void theAmountMustBeANonZeroInteger() {
        String id = newAccount(Map.of("name", "Amounts"));
        assertError(credit(id, Map.of("amount", 0)), 400, "invalid_request_error")
                .body("error.message", startsWith("amount must be a non-zero integer"));
        assertError(credit(id, Map.of("amount", "5")), 400, "invalid_request_error", "amount must be an integer");
        assertError(credit(id, Map.of("amount", 5.5)), 400, "invalid_request_error", "amount must be an integer");
        assertError(credit(id, Map.of("amount", true)), 400, "invalid_request_error", "amount must be an integer");
        assertError(credit(id, Map.of("description", "no amount")), 400, "invalid_request_error",
                "amount is required");
        assertError(credit(id, "{\"amount\":99999999999999999999999}"), 400, "invalid_request_error",
                "amount is out of range");
        assertError(credit(id, Map.of("amount", 5, "description", 7)), 400, "invalid_request_error",
                "description must be a string");
        Api.admin().get("/admin/accounts/" + id).then().body("balance", equalTo(Map.of("available", 0, "reserved", 0)));
        given().header("Authorization", "Bearer " + issueKey(id)).get("/v2/ledger").then().body("data.size()",
                equalTo(0));
    }

    @Test
    void aGrantWithAnIdempotencyKeyHappensOnce() {
        String id = newAccount(Map.of("name", "Idempotent"));
        String key = "grant-" + UUID.randomUUID();
        Response first = Api.admin().header("Idempotency-Key", key).body("{\"amount\": 100, \"description\": \"Promo\"}")
                .post("/admin/accounts/" + id + "/credits");
        first.then().statusCode(201).header("Idempotent-Replayed", nullValue()).body("amount", equalTo(100));

        // The same request, written differently (key order, whitespace), is the same request.
        Response second = Api.admin().header("Idempotency-Key", key).body("{\"description\":\"Promo\",\"amount\":100}")
                .post("/admin/accounts/" + id + "/credits");
        second.then().statusCode(201).header("Idempotent-Replayed", equalTo("true"));
        assertEquals(first.asString(), second.asString());

        Response third = Api.admin().header("Idempotency-Key", key).body("{\"amount\": 100, \"description\": \"Promo\"}")
                .post("/admin/accounts/" + id + "/credits");
        third.then().statusCode(201).header("Idempotent-Replayed", equalTo("true"));
        assertEquals(first.asString(), third.asString());

        Api.TestAccount account = new Api.TestAccount(id, issueKey(id));
        account.as().get("/v2/ledger").then().body("data.size()", equalTo(1))
                .body("data[0].id", equalTo(first.path("id")));
        account.as().get("/v2/balance").then().body("available", equalTo(100));

        assertError(Api.admin().header("Idempotency-Key", key).body(Map.of("amount", 101))
                .post("/admin/accounts/" + id + "/credits"), 400, "invalid_request_error")
                .body("error.message", containsString("Idempotency-Key"));
        assertError(Api.admin().header("Idempotency-Key", key).body(Map.of("amount", 100, "description", "Other"))
                .post("/admin/accounts/" + id + "/credits"), 400, "invalid_request_error")
                .body("error.message", containsString("Idempotency-Key"));
        account.as().get("/v2/balance").then().body("available", equalTo(100));

        // Keys are scoped to the account: another account may use the same key for its own grant.
        String other = newAccount(Map.of("name", "Other"));
        Api.admin().header("Idempotency-Key", key).body("{\"amount\": 100, \"description\": \"Promo\"}")
                .post("/admin/accounts/" + other + "/credits").then().statusCode(201)
                .header("Idempotent-Replayed", nullValue())
                .body("id", not(equalTo(first.path("id"))));
        Api.admin().get("/admin/accounts/" + other).then().body("balance.available", equalTo(100));

        assertError(Api.admin().header("Idempotency-Key", "k".repeat(256)).body(Map.of("amount", 1))
                .post("/admin/accounts/" + id + "/credits"), 400, "invalid_request_error")
                .body("error.message", containsString("Idempotency-Key"));
        account.as().get("/v2/balance").then().body("available", equalTo(100));
        Ledger.assertConserved();
    }

    @Test
    void theLedgerIsNewestFirstWithCursorPagination() {
        String id = newAccount(Map.of("name", "Ledger"));
        String e1 = credit(id, Map.of("amount", 500, "description", "first")).then().statusCode(201)
                .extract().path("id");
        String e2 = credit(id, Map.of("amount", -200, "description", "second")).then().statusCode(201)
                .extract().path("id");
        String e3 = credit(id, Map.of("amount", 100, "description", "third")).then().statusCode(201)
                .extract().path("id");
        Api.TestAccount account = new Api.TestAccount(id, issueKey(id));

        account.as().get("/v2/ledger").then().statusCode(200)
                .body("data.id", contains(e3, e2, e1))
                .body("data.kind", contains("grant", "adjustment", "grant"))
                .body("data.amount", contains(100, -200, 500))
                .body("data.available_after", contains(400, 300, 500))
                .body("data.description", contains("third", "second", "first"))
                .body("has_more", equalTo(false))
                .body("next_cursor", nullValue());

        account.as().queryParam("limit", 1).get("/v2/ledger").then().statusCode(200)
                .body("data.id", contains(e3)).body("has_more", equalTo(true)).body("next_cursor", equalTo(e3));
        account.as().queryParam("limit", 1).queryParam("after", e3).get("/v2/ledger").then().statusCode(200)
                .body("data.id", contains(e2)).body("has_more", equalTo(true)).body("next_cursor", equalTo(e2));
        account.as().queryParam("limit", 1).queryParam("after", e2).get("/v2/ledger").then().statusCode(200)
                .body("data.id", contains(e1)).body("has_more", equalTo(false)).body("next_cursor", nullValue());
        account.as().queryParam("limit", 2).queryParam("after", e3).get("/v2/ledger").then().statusCode(200)
                .body("data.id", contains(e2, e1)).body("has_more", equalTo(false));
        account.as().queryParam("limit", 100).get("/v2/ledger").then().statusCode(200).body("data.size()", equalTo(3));

        for (String limit : new String[] {"0", "101", "-1", "abc", "1.5", "+5", "99999999999"}) {
            assertError(account.as().queryParam("limit", limit).get("/v2/ledger"), 400, "invalid_request_error",
                    "limit must be an integer between 1 and 100");
        }
        assertError(account.as().queryParam("after", "not-a-uuid").get("/v2/ledger"), 400, "invalid_request_error",
                "after must be an id from a previous page");

        // A cursor from another account's ledger shows nothing of that account.
        Api.TestAccount stranger = Api.account(7, 2);
        stranger.as().queryParam("after", e3).get("/v2/ledger").then().statusCode(200).body("data", equalTo(List.of()));
        stranger.as().get("/v2/ledger").then().body("data.size()", equalTo(1)).body("data[0].amount", equalTo(7));
    }
}
