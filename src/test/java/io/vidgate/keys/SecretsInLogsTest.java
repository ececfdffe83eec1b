package io.vidgate.keys;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vidgate.testing.Api;
import io.vidgate.testing.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What reaches the logs: a key's prefix but never the key, and only request ids the service accepted. */
@QuarkusTest
@QuarkusTestResource(TestDatabase.class)
class SecretsInLogsTest {

    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            String message = record.getMessage();
            if (record.getParameters() != null && message != null) {
                try {
                    message = String.format(message, record.getParameters());
                } catch (RuntimeException ignored) {
                    message = message + " " + java.util.Arrays.toString(record.getParameters());
                }
            }
            lines.add(message + (record.getThrown() == null ? "" : " " + record.getThrown()));
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void captureLogs() {
        Logger.getLogger("").addHandler(capture);
    }

    @AfterEach
    void stopCapturing() {
        Logger.getLogger("").removeHandler(capture);
    }

    @Test
    void anApiKeyIsLoggedOnlyByItsPrefix() {
        Api.TestAccount account = Api.account(100, 2);
        account.as().get("/v2/balance").then().statusCode(200);
        String keyId = Api.admin().get("/admin/accounts/" + account.id() + "/api-keys").then().extract().path("data[0].id");
        Api.admin().delete("/admin/api-keys/" + keyId).then().statusCode(204);
        account.as().get("/v2/balance").then().statusCode(401);

        String prefix = account.key().substring(0, KeyFormat.VISIBLE);
        assertTrue(lines.stream().anyMatch(line -> line.contains(prefix + "...")), "the prefix is logged: " + lines);
        assertFalse(lines.stream().anyMatch(line -> line.contains(account.key())), "the key never is");
        assertFalse(lines.stream().anyMatch(line -> line.contains(account.key().substring(KeyFormat.VISIBLE))));
    }

    @Test
    void aRequestIdTheServiceRefusedNeverReachesTheLogs() {
        String hostile = "<script>alert(1)</script>";
        String fresh = given().header("x-request-id", hostile).get("/test-only/boom").then().statusCode(500)
                .extract().header("x-request-id");
        assertTrue(fresh.matches("[0-9a-f]{32}"), fresh);
        assertTrue(lines.stream().anyMatch(line -> line.contains(fresh)), "the failure is logged with the fresh id");
        assertFalse(lines.stream().anyMatch(line -> line.contains("<script>")), "the client's value is not: " + lines);

        String accepted = "trace-42.A_b";
        given().header("x-request-id", accepted).get("/test-only/boom").then().statusCode(500)
                .header("x-request-id", accepted);
        assertTrue(lines.stream().anyMatch(line -> line.contains(accepted)));
    }
}
