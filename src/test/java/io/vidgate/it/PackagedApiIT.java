package io.vidgate.it;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.vidgate.testing.Api;
import io.vidgate.testing.Ledger;
import io.vidgate.testing.TestDatabase;
import io.vidgate.testing.Worker;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.restassured.RestAssured.get;
import static org.hamcrest.Matchers.equalTo;

/**
 * The contract's main path against the packaged application (JVM here; the native executable with
 * `./mvnw verify -Dnative`), as a black box: the Quarkus integration-test launcher starts it in the prod profile.
 */
@QuarkusIntegrationTest
@QuarkusTestResource(TestDatabase.class)
@QuarkusTestResource(IntegrationTokens.class)
class PackagedApiIT {

    @Test
    void createRunAndCompleteAJobThroughThePackagedApplication() {
        Api.TestAccount account = Api.account(1000, 2);
        String id = account.json().body(Api.T2V_BODY).post("/v2/text-to-video").then().statusCode(202)
                .header("RateLimit-Limit", "600")
                .body("status", equalTo("pending")).extract().path("id");
        Worker worker = new Worker("it-gpu");
        List<String> lease = worker.leaseOne();
        worker.heartbeat(id, lease.get(1), 50).statusCode(200).body("cancel_requested", equalTo(false));
        worker.complete(id, lease.get(1)).statusCode(200).body("credits.charged", equalTo(64));
        account.as().get("/v2/balance").then().body("available", equalTo(936)).body("reserved", equalTo(0));
        Ledger.assertConserved();
    }

    @Test
    void errorsKeepTheEnvelopeInTheProductionBuild() {
        Api.assertError(get("/nope").then(), 404, "not_found_error", "Not found");
        Api.assertError(get("/v2/balance").then(), 401, "authentication_error", "Missing authorization header");
        Api.TestAccount account = Api.account(10, 2);
        Api.assertError(account.json().body(Api.T2V_BODY).post("/v2/text-to-video").then(), 402,
                "insufficient_funds_error", "Insufficient funds. Required: 64 credits");
        Api.assertError(account.json().body("{\"prompt\":\"x\",\"seed\":1}").post("/v2/text-to-video").then(), 400,
                "invalid_request_error", "Unknown parameter: seed");
        get("/v2/models").then().statusCode(200).body("data.size()", equalTo(4));
        get("/q/health/ready").then().statusCode(200);
    }
}
