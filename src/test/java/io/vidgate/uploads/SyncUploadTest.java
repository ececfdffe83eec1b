package io.vidgate.uploads;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vidgate.testing.Api;
import io.vidgate.testing.TestDatabase;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static io.restassured.RestAssured.given;
import static io.vidgate.testing.Api.assertError;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * POST /v1/upload as the clients of the hosted API's synchronous surface call it (docs/api.md 2.9): no body and no
 * Content-Type, any status but 200 taken as a failure.
 */
@QuarkusTest
@QuarkusTestResource(TestDatabase.class)
class SyncUploadTest {

    @Test
    void withNoBodyAndNoContentTypeItAnswers200AndTheUploadWorks() {
        Api.TestAccount account = Api.account(0, 2);
        var ticket = given().header("Authorization", "Bearer " + account.key()).post("/v1/upload").then()
                .statusCode(200)
                .body("upload_url", matchesPattern(".*/uploads/[0-9a-f-]{36}\\?expires=\\d+&signature=.*"))
                .body("storage_uri", matchesPattern("vidgate://uploads/[0-9a-f-]{36}"))
                .body("required_headers.Content-Type", equalTo("application/octet-stream"))
                .extract();
        given().contentType("application/octet-stream").body(new byte[] {1, 2, 3}).put((String) ticket.path("upload_url"))
                .then().statusCode(200).body("size", equalTo(3)).body("storage_uri", equalTo(ticket.path("storage_uri")));
    }

    @Test
    void aJsonBodyIsReadWithOrWithoutItsContentType() throws Exception {
        Api.TestAccount account = Api.account(0, 2);
        // REST Assured always sends a Content-Type with a body; the JDK's client sends none unless told.
        HttpResponse<String> bare = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(Api.PUBLIC_URL + "/v1/upload"))
                .header("Authorization", "Bearer " + account.key())
                .POST(HttpRequest.BodyPublishers.ofString("{\"content_type\":\"image/png\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, bare.statusCode(), bare.body());
        assertTrue(bare.body().contains("\"Content-Type\":\"image/png\""), bare.body());
        account.json().body("{\"content_type\":\"video/mp4\"}").post("/v1/upload").then().statusCode(200)
                .body("required_headers.Content-Type", equalTo("video/mp4"));
    }

    @Test
    void anUploadCreatedWithoutATypeTakesTheTypeItsPutSends() {
        Api.TestAccount account = Api.account(0, 2);
        String url = given().header("Authorization", "Bearer " + account.key()).post("/v1/upload").then()
                .statusCode(200).extract().path("upload_url");
        // the Content-Type guessed from the file's name, as the hosted API's clients send it
        given().contentType("image/png; charset=binary").body(new byte[] {1, 2, 3}).put(url).then().statusCode(200)
                .body("content_type", equalTo("image/png"));
        // an upload created with a type still takes only that type
        String typed = account.json().body("{\"content_type\":\"video/mp4\"}").post("/v1/upload").then().statusCode(200)
                .extract().path("upload_url");
        assertError(given().contentType("image/png").body(new byte[] {1}).put(typed).then(), 400,
                "invalid_request_error", "Content-Type must be video/mp4, as in required_headers");
        given().contentType("video/mp4").body(new byte[] {1}).put(typed).then().statusCode(200);
        // a Content-Type that is not a media type is refused
        String other = given().header("Authorization", "Bearer " + account.key()).post("/v1/upload").then()
                .statusCode(200).extract().path("upload_url");
        assertError(given().header("Content-Type", "png").body(new byte[] {1}).put(other).then(), 400,
                "invalid_request_error", "Content-Type must be application/octet-stream, as in required_headers");
    }

    @Test
    void itRefusesLikeV2() {
        Api.TestAccount account = Api.account(0, 2);
        assertError(given().post("/v1/upload").then(), 401, "authentication_error", "Missing authorization header");
        assertError(account.json().body("{\"content_type\":\"png\"}").post("/v1/upload").then(), 400,
                "invalid_request_error", "content_type must be a media type such as image/png");
        assertError(account.json().body("{\"size\":5}").post("/v1/upload").then(), 400, "invalid_request_error",
                "Unknown parameter: size");
    }
}
