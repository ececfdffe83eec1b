package io.vidgate.jobs;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import io.vidgate.testing.Api;
import io.vidgate.testing.QueueTest;
import io.vidgate.testing.TestDatabase;
import io.vidgate.testing.Worker;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** A /v1 call whose job is not done within the wait (2 s here) answers 504; the job goes on (docs/api.md 2.14). */
@QuarkusTest
@QuarkusTestResource(TestDatabase.class)
@TestProfile(SyncTimeoutTest.ShortWait.class)
class SyncTimeoutTest extends QueueTest {

    public static class ShortWait implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("vidgate.sync.max-wait", "2s");
        }
    }

    @Test
    void aJobNotDoneWithinTheWaitIs504AndGoesOnToItsResultOnV2() {
        Api.TestAccount account = Api.account(1000, 2);
        long started = System.nanoTime();
        Response response = account.json().body(Api.T2V_BODY).post("/v1/text-to-video");
        Api.assertError(response.then(), 504, "timeout_error");
        String message = response.path("error.message");
        String id = message.substring("Job ".length(), "Job ".length() + 36);
        assertEquals("Job " + id + " did not finish within 2 s; it goes on: GET /v2/jobs/" + id, message);
        assertEquals(true, System.nanoTime() - started >= 2_000_000_000L, "answered after the wait, not before");

        account.as().get("/v2/jobs/" + id).then().body("status", equalTo("pending"))
                .body("credits.reserved", equalTo(64));
        Worker worker = new Worker("sync-timeout");
        List<String> lease = worker.leaseOne();
        assertEquals(id, lease.get(0));
        byte[] video = SyncApiTest.video(5);
        worker.completeWithResult(id, lease.get(1), video).statusCode(200);
        String url = account.as().get("/v2/jobs/" + id).then().body("status", equalTo("completed"))
                .body("credits.charged", equalTo(64)).extract().path("result.video_url");
        assertArrayEquals(video, given().get(url).then().statusCode(200).extract().asByteArray());
    }
}
