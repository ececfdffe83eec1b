package io.vidgate.jobs;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vidgate.testing.Api;
import io.vidgate.testing.Ledger;
import io.vidgate.testing.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Create, read, list and cancel through the public API, with the ledger checked after each test. */
@QuarkusTest
@QuarkusTestResource(TestDatabase.class)
class JobLifecycleTest {

    @AfterEach
    void ledgerIsConserved() {
        Ledger.assertConserved();
    }

    @Test
    void createAnswersThePendingJobWithItsLocation() {
        Api.TestAccount account = Api.account(1000, 2);
        String id = account.json().body(Api.T2V_BODY).post("/v2/text-to-video").then()
                .statusCode(202)
                .header("Location", matchesPattern("/v2/text-to-video/[0-9a-f-]{36}"))
                .body("type", equalTo("text-to-video"))
                .body("status", equalTo("pending"))
                .body("model", equalTo("ltx-2-3-pro"))
                .body("duration", equalTo(8))
                .body("resolution", equalTo("1920x1080"))
                .body("fps", equalTo(24))
                .body("generate_audio", equalTo(true))
                .body("created_at", matchesPattern("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z"))
                .body("started_at", nullValue())
                .body("progress", equalTo(0))
                .body("result", nullValue())
                .body("error", nullValue())
                .body("credits.estimated", equalTo(64))
                .body("credits.reserved", equalTo(64))
                .body("credits.charged", equalTo(0))
                .body("credits.refunded", equalTo(0))
                .extract().path("id");

        account.as().get("/v2/text-to-video/" + id).then().statusCode(200).body("id", equalTo(id));
        account.as().get("/v2/jobs/" + id).then().statusCode(200).body("status", equalTo("pending"));
        Api.assertError(account.as().get("/v2/image-to-video/" + id).then(), 404, "not_found_error", "Job not found");
        account.as().get("/v2/balance").then().body("available", equalTo(936)).body("reserved", equalTo(64))
                .body("currency", equalTo("credits"));
        account.as().get("/v2/ledger").then().statusCode(200)
                .body("data[0].kind", equalTo("reserve"))
                .body("data[0].amount", equalTo(-64))
                .body("data[0].available_after", equalTo(936))
                .body("data[0].reserved_after", equalTo(64))
                .body("data[0].job_id", equalTo(id))
                .body("data[1].kind", equalTo("grant"));
    }

    @Test
    void imageToVideoTakesAnInlineImage() {
        Api.TestAccount account = Api.account(1000, 2);
        String png = "data:image/png;base64," + java.util.Base64.getEncoder().encodeToString(
                new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n', 0, 0, 0, 13});
        account.json().body("{\"prompt\":\"A cat\",\"model\":\"ltx-2-fast\",\"duration\":20,\"resolution\":\"1920x1080\","
                        + "\"image_uri\":\"" + png + "\",\"camera_motion\":\"dolly_in\",\"generate_audio\":false}")
                .post("/v2/image-to-video").then().statusCode(202)
                .body("type", equalTo("image-to-video"))
                .body("fps", equalTo(25))
                .body("generate_audio", equalTo(false))
                .body("credits.estimated", equalTo(4 * 20));
    }

    @Test
    void cancelReleasesTheWholeHoldAtOnceAndASecondCancelConflicts() {
        Api.TestAccount account = Api.account(1000, 2);
        String id = account.json().body(Api.T2V_BODY).post("/v2/text-to-video").then().statusCode(202)
                .extract().path("id");

        account.as().post("/v2/jobs/" + id + "/cancel").then().statusCode(200)
                .body("status", equalTo("cancelled"))
                .body("completed_at", matchesPattern(".+Z"))
                .body("credits.reserved", equalTo(0))
                .body("credits.charged", equalTo(0))
                .body("credits.refunded", equalTo(64));
        account.as().get("/v2/balance").then().body("available", equalTo(1000)).body("reserved", equalTo(0));
        account.as().get("/v2/ledger?limit=1").then().body("data[0].kind", equalTo("release"))
                .body("data[0].amount", equalTo(64)).body("data[0].job_id", equalTo(id))
                .body("has_more", equalTo(true));

        Api.assertError(account.as().post("/v2/jobs/" + id + "/cancel").then(), 409, "conflict_error");
        account.as().get("/v2/balance").then().body("available", equalTo(1000));
        assertEquals(1, Ledger.scalar("SELECT count(*) FROM ledger_entries WHERE kind = 'release' AND job_id = '"
                + id + "'"));
    }

    @Test
    void cancelFreesAConcurrencySlot() {
        Api.TestAccount account = Api.account(1000, 1);
        String id = account.json().body(Api.T2V_BODY).post("/v2/text-to-video").then().statusCode(202)
                .extract().path("id");
        Api.assertError(account.json().body(Api.T2V_BODY).post("/v2/text-to-video").then(), 429,
                "concurrency_limit_error", "Too many concurrent requests. Please try again later.");
        account.as().post("/v2/jobs/" + id + "/cancel").then().statusCode(200);
        account.json().body(Api.T2V_BODY).post("/v2/text-to-video").then().statusCode(202);
    }

    @Test
    void listIsNewestFirstWithAStableCursorAndFilters() {
        Api.TestAccount account = Api.account(10_000, 10);
        String first = account.json().body(Api.T2V_BODY).post("/v2/text-to-video").then().extract().path("id");
        String second = account.json().body(Api.T2V_BODY).post("/v2/text-to-video").then().extract().path("id");
        String third = account.json().body(Api.T2V_BODY).post("/v2/text-to-video").then().extract().path("id");
        account.as().post("/v2/jobs/" + second + "/cancel").then().statusCode(200);

        String cursor = account.as().get("/v2/jobs?limit=2").then().statusCode(200)
                .body("data.id", equalTo(List.of(third, second)))
                .body("has_more", equalTo(true))
                .body("next_cursor", equalTo(second))
                .extract().path("next_cursor");
        account.as().get("/v2/jobs?limit=2&after=" + cursor).then()
                .body("data.id", equalTo(List.of(first)))
                .body("has_more", equalTo(false))
                .body("next_cursor", nullValue());
        account.as().get("/v2/jobs?status=cancelled").then().body("data", hasSize(1)).body("data[0].id", equalTo(second));
        account.as().get("/v2/jobs?type=image-to-video").then().body("data", hasSize(0));
        Api.assertError(account.as().get("/v2/jobs?limit=0").then(), 400, "invalid_request_error",
                "limit must be an integer between 1 and 100");
        Api.assertError(account.as().get("/v2/jobs?limit=101").then(), 400, "invalid_request_error");
        Api.assertError(account.as().get("/v2/jobs?status=done").then(), 400, "invalid_request_error");
        Api.assertError(account.as().get("/v2/jobs?after=nope").then(), 400, "invalid_request_error");
    }

    @Test
    void anotherAccountsJobDoesNotExist() {
        Api.TestAccount owner = Api.account(1000, 2);
        Api.TestAccount other = Api.account(1000, 2);
        String id = owner.json().body(Api.T2V_BODY).post("/v2/text-to-video").then().extract().path("id");
        Api.assertError(other.as().get("/v2/jobs/" + id).then(), 404, "not_found_error", "Job not found");
        Api.assertError(other.as().post("/v2/jobs/" + id + "/cancel").then(), 404, "not_found_error", "Job not found");
        other.as().get("/v2/jobs").then().body("data", hasSize(0));
        owner.as().get("/v2/jobs/" + id).then().body("status", equalTo("pending"));
    }

    @Test
    void estimatePricesWithoutReserving() {
        Api.TestAccount account = Api.account(100, 2);
        account.json().body("{\"type\":\"text-to-video\",\"prompt\":\"x\",\"model\":\"ltx-2-3-fast\",\"duration\":20,"
                        + "\"resolution\":\"1080x1920\",\"fps\":25}")
                .post("/v2/estimate").then().statusCode(200)
                .body("credits", equalTo(120))
                .body("rate_credits_per_second", equalTo(6))
                .body("billed_seconds", equalTo(20))
                .body("balance.available", equalTo(100))
                .body("affordable", equalTo(false));
        account.as().get("/v2/balance").then().body("available", equalTo(100)).body("reserved", equalTo(0));
        Api.assertError(account.json().body("{\"prompt\":\"x\",\"model\":\"ltx-2-3-fast\",\"duration\":8,"
                + "\"resolution\":\"1920x1080\"}").post("/v2/estimate").then(), 400, "invalid_request_error", "type is required");
        Api.assertError(account.json().body("{\"type\":\"text-to-video\",\"prompt\":\"x\",\"model\":\"ltx-2-3-fast\","
                        + "\"duration\":20,\"resolution\":\"1920x1080\",\"fps\":50}").post("/v2/estimate").then(),
                400, "invalid_request_error", "duration must be one of 6, 8, 10 for model ltx-2-3-fast at 1920x1080 and 50 fps");
    }

    @Test
    void modelCatalogNeedsNoKeyAndCarriesThePriceTable() {
        io.restassured.RestAssured.get("/v2/models").then().statusCode(200)
                .body("data.id", equalTo(List.of("ltx-2-3-fast", "ltx-2-3-pro", "ltx-2-fast", "ltx-2-pro")))
                .body("data[1].credits_per_second.'text-to-video'.'1920x1080'", equalTo(8))
                .body("data[1].credits_per_second.'text-to-video'.'3840x2160'", equalTo(32))
                .body("data[2].landscape_only", equalTo(true))
                .body("data[2].default_fps", equalTo(25));
    }
}
