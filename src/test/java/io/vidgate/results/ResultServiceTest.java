package io.vidgate.results;

import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vidgate.http.ApiException;
import io.vidgate.lifecycle.JobReads;
import io.vidgate.lifecycle.JobRow;
import io.vidgate.testing.Api;
import io.vidgate.testing.QueueTest;
import io.vidgate.testing.TestDatabase;
import io.vidgate.testing.Worker;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * {@link ResultService#open(JobRow)}, the entry point of the synchronous API: the same call streams a result that
 * vidgate stores and one at a worker's own URL (here a local HTTP server; loopback is allowed in tests by
 * vidgate.media.allow-insecure, the rule itself is MediaFetcherStreamTest's).
 */
@QuarkusTest
@QuarkusTestResource(TestDatabase.class)
class ResultServiceTest extends QueueTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Inject
    ResultService results;

    @Inject
    Pool pool;

    private HttpServer origin;
    private final byte[] external = ResultApiTest.bytes(1_200_000, 21);
    private final Worker worker = new Worker("gpu-open");

    @BeforeEach
    void startOrigin() throws IOException {
        origin = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        origin.createContext("/v.mp4", exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "video/mp4");
            exchange.sendResponseHeaders(200, external.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(external);
            }
        });
        origin.createContext("/page", exchange -> {
            byte[] html = "<script>alert(1)</script>".getBytes();
            exchange.getResponseHeaders().add("Content-Type", "text/html");
            exchange.sendResponseHeaders(200, html.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(html);
            }
        });
        origin.createContext("/gone", exchange -> {
            exchange.sendResponseHeaders(404, -1);
            exchange.close();
        });
        origin.start();
    }

    @AfterEach
    void stopOrigin() {
        origin.stop(0);
    }

    private String originUrl(String path) {
        return "http://127.0.0.1:" + origin.getAddress().getPort() + path;
    }

    private List<String> createAndLease(Api.TestAccount account) {
        String id = account.json().body(Api.T2V_BODY).post("/v2/text-to-video").then().statusCode(202)
                .extract().path("id");
        List<String> lease = worker.leaseOne();
        assertEquals(id, lease.get(0));
        return lease;
    }

    private void complete(List<String> lease, String videoUrl) {
        Worker.api().body(Map.of("lease_token", lease.get(1), "video_url", videoUrl))
                .post("/internal/jobs/" + lease.get(0) + "/complete").then().statusCode(200);
    }

    private JobRow row(String id) {
        return JobReads.find(pool, UUID.fromString(id)).await().atMost(WAIT);
    }

    private static byte[] read(ResultStream stream) {
        return stream.body().collect().in(Buffer::buffer, Buffer::appendBuffer).await().atMost(WAIT).getBytes();
    }

    private ApiException failure(JobRow job) {
        return assertThrows(ApiException.class, () -> results.open(job).await().atMost(WAIT));
    }

    @Test
    void aStoredResultIsReadFromUploadStorage() {
        Api.TestAccount account = Api.account(1000, 2);
        List<String> lease = createAndLease(account);
        String ticket = Worker.api().body(Map.of("lease_token", lease.get(1)))
                .post("/internal/jobs/" + lease.get(0) + "/result-upload").then().statusCode(201)
                .extract().path("upload_url");
        String storageUri = "vidgate://uploads/" + ticket.substring(ticket.indexOf("/uploads/") + 9, ticket.indexOf('?'));
        byte[] video = ResultApiTest.bytes(2_500_000, 22);
        given().contentType("video/mp4").body(video).put(ticket).then().statusCode(200);
        complete(lease, storageUri);

        ResultStream stream = results.open(row(lease.get(0))).await().atMost(WAIT);
        assertEquals("video/mp4", stream.contentType());
        assertEquals(video.length, stream.length());
        assertArrayEquals(video, read(stream));
    }

    @Test
    void anExternalResultIsStreamedFromItsUrl() {
        Api.TestAccount account = Api.account(1000, 2);
        List<String> lease = createAndLease(account);
        complete(lease, originUrl("/v.mp4"));

        ResultStream stream = results.open(row(lease.get(0))).await().atMost(WAIT);
        assertEquals("video/mp4", stream.contentType());
        assertEquals(external.length, stream.length());
        assertArrayEquals(external, read(stream));
    }

    @Test
    void anExternalAnswerThatIsNotAVideoIsSentAsOpaqueBytes() {
        Api.TestAccount account = Api.account(1000, 2);
        List<String> lease = createAndLease(account);
        complete(lease, originUrl("/page"));
        ResultStream stream = results.open(row(lease.get(0))).await().atMost(WAIT);
        assertEquals("application/octet-stream", stream.contentType());
        read(stream);
    }

    @Test
    void anExternalUrlThatFailsIsA400NamingVideoUrl() {
        Api.TestAccount account = Api.account(1000, 2);
        List<String> lease = createAndLease(account);
        complete(lease, originUrl("/gone"));
        ApiException e = failure(row(lease.get(0)));
        assertEquals(400, e.status());
        assertEquals("video_url could not be fetched (HTTP 404)", e.getMessage());
    }

    @Test
    void aJobWithoutResultOrWithAnExpiredOneIsA404() throws Exception {
        Api.TestAccount account = Api.account(1000, 2);
        List<String> lease = createAndLease(account);
        JobRow processing = row(lease.get(0));
        assertNull(processing.result());
        assertEquals("Result not found", failure(processing).getMessage());

        String ticket = Worker.api().body(Map.of("lease_token", lease.get(1)))
                .post("/internal/jobs/" + lease.get(0) + "/result-upload").then().statusCode(201)
                .extract().path("upload_url");
        String uploadId = ticket.substring(ticket.indexOf("/uploads/") + 9, ticket.indexOf('?'));
        given().contentType("video/mp4").body(new byte[100]).put(ticket).then().statusCode(200);
        complete(lease, "vidgate://uploads/" + uploadId);
        assertEquals(100, read(results.open(row(lease.get(0))).await().atMost(WAIT)).length);

        try (Connection c = TestDatabase.connect(); PreparedStatement st = c.prepareStatement(
                "UPDATE uploads SET upload_expires_at = now() - interval '2 seconds', "
                        + "expires_at = now() - interval '1 second' WHERE id = ?::uuid")) {
            st.setString(1, uploadId);
            assertEquals(1, st.executeUpdate());
        }
        ApiException e = failure(row(lease.get(0)));
        assertEquals(404, e.status());
        assertEquals("Result not found", e.getMessage());
    }
}
