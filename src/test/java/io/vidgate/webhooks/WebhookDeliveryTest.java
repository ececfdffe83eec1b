package io.vidgate.webhooks;

import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vidgate.testing.Api;
import io.vidgate.testing.QueueTest;
import io.vidgate.testing.TestDatabase;
import io.vidgate.testing.Worker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Job-end webhooks delivered to a real local HTTP receiver, signed per Standard Webhooks, retried on failure. */
@QuarkusTest
@QuarkusTestResource(TestDatabase.class)
class WebhookDeliveryTest extends QueueTest {

    record Received(String id, String timestamp, String signature, String body) {
    }

    private HttpServer receiver;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final AtomicInteger failuresLeft = new AtomicInteger();

    @BeforeEach
    void startReceiver() throws IOException {
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hook", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            received.add(new Received(exchange.getRequestHeaders().getFirst("webhook-id"),
                    exchange.getRequestHeaders().getFirst("webhook-timestamp"),
                    exchange.getRequestHeaders().getFirst("webhook-signature"), body));
            int status = failuresLeft.getAndDecrement() > 0 ? 500 : 204;
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        receiver.start();
    }

    @AfterEach
    void stopReceiver() {
        receiver.stop(0);
    }

    private String hookUrl() {
        return "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook";
    }

    private String createAndComplete(Api.TestAccount account) {
        String id = account.json().body(Api.T2V_BODY.replace("}", ",\"webhook_url\":\"" + hookUrl() + "\"}"))
                .post("/v2/text-to-video").then().statusCode(202).extract().path("id");
        Worker worker = new Worker("gpu-hooks");
        List<String> lease = worker.leaseOne();
        worker.complete(id, lease.get(1)).statusCode(200);
        return id;
    }

    @Test
    void aCompletedJobIsDeliveredOnceWithAValidSignature() throws Exception {
        Api.TestAccount account = Api.account(1000, 2);
        String secret = Api.admin().get("/admin/accounts/" + account.id()).then().extract().path("webhook_secret");
        String id = createAndComplete(account);

        awaitReceived(1);
        Thread.sleep(500);
        assertEquals(1, received.size(), "delivered exactly once");
        Received event = received.get(0);
        assertEquals(expectedSignature(secret, event), event.signature());
        assertTrue(event.body().contains("\"id\":\"" + id + "\""), event.body());
        assertTrue(event.body().contains("\"status\":\"completed\""), event.body());
        assertTrue(Math.abs(Long.parseLong(event.timestamp()) - System.currentTimeMillis() / 1000) < 60);

        Api.admin().get("/admin/accounts/" + account.id() + "/webhook-deliveries").then().statusCode(200)
                .body("data", hasSize(1))
                .body("data[0].job_id", equalTo(id))
                .body("data[0].status", equalTo("delivered"))
                .body("data[0].attempts", equalTo(1))
                .body("data[0].attempt_log[0].status_code", equalTo(204));
    }

    @Test
    void aReceiverThatFailsTwiceGetsTheEventThreeTimesEachSigned() throws Exception {
        Api.TestAccount account = Api.account(1000, 2);
        String secret = Api.admin().get("/admin/accounts/" + account.id()).then().extract().path("webhook_secret");
        failuresLeft.set(2);
        String id = createAndComplete(account);

        awaitReceived(3);
        Thread.sleep(800);
        assertEquals(3, received.size(), "two failures, then one success, then nothing more");
        for (Received event : received) {
            assertEquals(expectedSignature(secret, event), event.signature());
            assertEquals(received.get(0).id(), event.id(), "the same webhook-id on every retry");
            assertTrue(event.body().contains("\"id\":\"" + id + "\""));
        }
        Api.admin().get("/admin/accounts/" + account.id() + "/webhook-deliveries").then()
                .body("data[0].status", equalTo("delivered"))
                .body("data[0].attempts", equalTo(3))
                .body("data[0].attempt_log.status_code", equalTo(List.of(500, 500, 204)))
                .body("data[0].attempt_log[0].error", equalTo("HTTP 500"));
    }

    @Test
    void aCancelledJobIsDeliveredToo() throws Exception {
        Api.TestAccount account = Api.account(1000, 2);
        String id = account.json().body(Api.T2V_BODY.replace("}", ",\"webhook_url\":\"" + hookUrl() + "\"}"))
                .post("/v2/text-to-video").then().statusCode(202).extract().path("id");
        account.as().post("/v2/jobs/" + id + "/cancel").then().statusCode(200);
        awaitReceived(1);
        assertTrue(received.get(0).body().contains("\"status\":\"cancelled\""));
    }

    @Test
    void webhookUrlsAreChecked() {
        Api.TestAccount account = Api.account(1000, 2);
        Api.assertError(account.json().body(Api.T2V_BODY.replace("}", ",\"webhook_url\":\"ftp://example.com/x\"}"))
                .post("/v2/text-to-video").then(), 400, "invalid_request_error");
        Api.admin().get("/admin/accounts/" + account.id() + "/webhook-deliveries").then().body("data", hasSize(0));
        Api.assertError(Api.admin().get("/admin/accounts/00000000-0000-4000-8000-000000000000/webhook-deliveries")
                .then(), 404, "not_found_error");
    }

    private void awaitReceived(int count) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (received.size() < count && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertTrue(received.size() >= count, "received " + received.size() + " of " + count);
    }

    /** Recomputes the Standard Webhooks signature independently of the service's code. */
    private static String expectedSignature(String secret, Received event) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(Base64.getDecoder().decode(secret.substring("whsec_".length())), "HmacSHA256"));
        byte[] digest = mac.doFinal((event.id() + "." + event.timestamp() + "." + event.body())
                .getBytes(StandardCharsets.UTF_8));
        return "v1," + Base64.getEncoder().encodeToString(digest);
    }

}
