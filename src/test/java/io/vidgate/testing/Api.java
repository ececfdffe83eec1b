package io.vidgate.testing;

import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import io.restassured.specification.RequestSpecification;

import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

/** Test fixtures through the real admin API: accounts with credits and keys, and common requests. */
public final class Api {

    public static final String ADMIN_TOKEN = "test-admin-token";
    public static final String T2V_BODY =
            "{\"prompt\":\"A lighthouse at dusk\",\"model\":\"ltx-2-3-pro\",\"duration\":8,\"resolution\":\"1920x1080\"}";
    /** The base URL the service hands out (VIDGATE_PUBLIC_URL), which points at the test server. */
    public static final String PUBLIC_URL =
            org.eclipse.microprofile.config.ConfigProvider.getConfig().getValue("vidgate.public-url", String.class);
    /** The price of {@link #T2V_BODY}: 8 credits per second x 8 s. */
    public static final long T2V_COST = 64;

    private Api() {
    }

    /** A fresh account with the given credits and concurrency limit, and one API key. */
    public record TestAccount(String id, String key) {
        public RequestSpecification as() {
            return given().header("Authorization", "Bearer " + key);
        }

        public RequestSpecification json() {
            return as().contentType(ContentType.JSON);
        }
    }

    public static RequestSpecification admin() {
        return given().header("Authorization", "Bearer " + ADMIN_TOKEN).contentType(ContentType.JSON);
    }

    public static TestAccount account(long credits, int concurrencyLimit) {
        String id = admin().body(Map.of("name", "test", "concurrency_limit", concurrencyLimit))
                .post("/admin/accounts").then().statusCode(201).extract().path("id");
        if (credits > 0) {
            grant(id, credits);
        }
        String key = admin().post("/admin/accounts/" + id + "/api-keys").then().statusCode(201).extract().path("key");
        return new TestAccount(id, key);
    }

    public static void grant(String accountId, long credits) {
        admin().body(Map.of("amount", credits)).post("/admin/accounts/" + accountId + "/credits")
                .then().statusCode(201);
    }

    /** Asserts the exact seed envelope: {"type":"error","error":{"type":...,"message":...}} and nothing else. */
    public static ValidatableResponse assertError(ValidatableResponse response, int status, String type) {
        return response.statusCode(status)
                .header("x-request-id", org.hamcrest.Matchers.notNullValue())
                .body("size()", equalTo(2))
                .body("type", equalTo("error"))
                .body("error.size()", equalTo(2))
                .body("error.type", equalTo(type))
                .body("error.message", org.hamcrest.Matchers.not(org.hamcrest.Matchers.emptyOrNullString()));
    }

    public static ValidatableResponse assertError(ValidatableResponse response, int status, String type, String message) {
        return assertError(response, status, type).body("error.message", equalTo(message));
    }
}
