package io.vidgate;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vidgate.testing.Api;
import io.vidgate.testing.Ledger;
import io.vidgate.testing.TestDatabase;
import org.junit.jupiter.api.Test;

import static org.hamcrest.Matchers.equalTo;

@QuarkusTest
@QuarkusTestResource(TestDatabase.class)
class SmokeTest {

    @Test
    void createsAJobAndHoldsItsCredits() {
        Api.TestAccount account = Api.account(100, 2);
        account.json().body(Api.T2V_BODY).post("/v2/text-to-video").then().statusCode(202)
                .body("status", equalTo("pending"))
                .body("credits.reserved", equalTo(64));
        account.as().get("/v2/balance").then().statusCode(200)
                .body("available", equalTo(36)).body("reserved", equalTo(64));
        Ledger.assertConserved();
    }
}
