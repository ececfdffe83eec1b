package io.vidgate.uploads;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.vidgate.http.Errors;
import io.vidgate.testing.Api;
import io.vidgate.testing.TestDatabase;
import io.vidgate.testing.Worker;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static io.restassured.RestAssured.given;
import static io.vidgate.testing.Api.PUBLIC_URL;
import static io.vidgate.testing.Api.assertError;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Signed uploads end to end over HTTP, against the real PostgreSQL storage. */
@QuarkusTest
@QuarkusTestResource(TestDatabase.class)
class UploadApiTest {

    private static final long MiB = 1024 * 1024;
    private static final Duration WAIT = Duration.ofSeconds(30);

    @Inject
    UploadService service;

    @Inject
    UploadSweeper sweeper;

    @Inject
    UploadSignature signer;

    record Created(String uploadUrl, String storageUri, UUID id) {
    }

    static Created create(Api.TestAccount account, String contentType) {
        var response = account.json().body("{\"content_type\":\"" + contentType + "\"}").post("/v2/upload")
                .then().statusCode(201).extract();
        String uri = response.path("storage_uri");
        return new Created(response.path("upload_url"), uri, UUID.fromString(uri.substring("vidgate://uploads/".length())));
    }

    static byte[] bytes(int size, long seed) {
        byte[] data = new byte[size];
        new Random(seed).nextBytes(data);
        return data;
    }

    static byte[] sha256(byte[] data) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(data);
    }

    @Test
    void createAnswersASignedUrlAStorageUriAndTheHeadersToSend() {
        Api.TestAccount account = Api.account(0, 2);
        account.json().body("{\"content_type\":\"image/png\"}").post("/v2/upload").then()
                .statusCode(201)
                .body("upload_url", matchesPattern(java.util.regex.Pattern.quote(PUBLIC_URL)
                        + "/uploads/[0-9a-f-]{36}\\?expires=\\d+&signature=[A-Za-z0-9_-]{43}"))
                .body("storage_uri", matchesPattern("vidgate://uploads/[0-9a-f-]{36}"))
                .body("expires_at", matchesPattern("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?Z"))
                .body("storage_uri_expires_at", matchesPattern("\\d{4}-.*Z"))
                .body("required_headers.Content-Type", equalTo("image/png"))
                .body("max_bytes", equalTo(100 * 1024 * 1024));
        // no body at all, and {}, default to application/octet-stream
        account.as().post("/v2/upload").then().statusCode(201)
                .body("required_headers.Content-Type", equalTo("application/octet-stream"));
        account.json().body("{}").post("/v2/upload").then().statusCode(201)
                .body("required_headers.Content-Type", equalTo("application/octet-stream"));
    }

    @Test
    void createRefusesUnknownFieldsBadTypesAndMissingKeys() {
        Api.TestAccount account = Api.account(0, 2);
        assertError(account.json().body("{\"content_type\":\"image/png\",\"size\":5}").post("/v2/upload").then(),
                400, "invalid_request_error", "Unknown parameter: size");
        assertError(account.json().body("{\"content_type\":5}").post("/v2/upload").then(),
                400, "invalid_request_error", "content_type must be a string");
        assertError(account.json().body("{\"content_type\":\"png\"}").post("/v2/upload").then(),
                400, "invalid_request_error", "content_type must be a media type such as image/png");
        assertError(account.as().contentType(ContentType.TEXT).body("hello").post("/v2/upload").then(),
                415, "invalid_request_error");
        assertError(given().post("/v2/upload").then(), 401, "authentication_error", "Missing authorization header");
    }

    @Test
    void putThenCopyToRoundTripsAMultiMebibyteBodyByteForByte() throws Exception {
        Api.TestAccount account = Api.account(0, 2);
        Created upload = create(account, "video/mp4");
        byte[] body = bytes((int) (3 * MiB + 12345), 1);

        given().contentType("video/mp4").body(body).put(upload.uploadUrl()).then()
                .statusCode(200)
                .body("storage_uri", equalTo(upload.storageUri()))
                .body("size", equalTo(body.length))
                .body("content_type", equalTo("video/mp4"));

        Path target = Files.createTempFile("upload", ".bin");
        long size = service.copyTo("video_uri", UUID.fromString(account.id()), upload.storageUri(), target, 10 * MiB)
                .await().atMost(WAIT);
        assertEquals(body.length, size);
        assertArrayEquals(sha256(body), sha256(Files.readAllBytes(target)));
        try (Connection c = TestDatabase.connect();
             PreparedStatement st = c.prepareStatement(
                     "SELECT count(*), max(octet_length(data)) FROM upload_chunks WHERE upload_id = ?")) {
            st.setObject(1, upload.id());
            ResultSet rs = st.executeQuery();
            rs.next();
            assertEquals(4, rs.getInt(1), "3 MiB + a bit is stored as 4 chunks");
            assertEquals(MiB, rs.getLong(2), "no chunk is larger than 1 MiB");
        }
        assertArrayEquals(sha256(body), storedSha256(upload.id()));
        Files.delete(target);
    }

    @Test
    void aSecondPutIsAConflict() {
        Api.TestAccount account = Api.account(0, 2);
        Created upload = create(account, "image/png");
        given().contentType("image/png").body(bytes(1000, 2)).put(upload.uploadUrl()).then().statusCode(200);
        assertError(given().contentType("image/png").body(bytes(1000, 3)).put(upload.uploadUrl()).then(),
                409, "conflict_error", "Upload already completed");
    }

    @Test
    void ofRacingPutsExactlyOneWins() throws Exception {
        Api.TestAccount account = Api.account(0, 2);
        Created upload = create(account, "application/octet-stream");
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        int racers = 6;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(racers);
        List<Future<HttpResponse<String>>> results = new ArrayList<>();
        for (int i = 0; i < racers; i++) {
            byte[] body = bytes((int) (2 * MiB), 10 + i);
            results.add(pool.submit(() -> {
                start.await();
                return http.send(HttpRequest.newBuilder(URI.create(upload.uploadUrl()))
                        .header("Content-Type", "application/octet-stream")
                        .PUT(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
            }));
        }
        start.countDown();
        int won = 0;
        int conflicts = 0;
        for (Future<HttpResponse<String>> result : results) {
            HttpResponse<String> response = result.get();
            if (response.statusCode() == 200) {
                won++;
            } else {
                assertEquals(409, response.statusCode(), response.body());
                assertTrue(response.body().contains("conflict_error"), response.body());
                conflicts++;
            }
        }
        pool.shutdown();
        assertEquals(1, won);
        assertEquals(racers - 1, conflicts);
        Path target = Files.createTempFile("upload", ".bin");
        long size = service.copyTo("image_uri", UUID.fromString(account.id()), upload.storageUri(), target, 10 * MiB)
                .await().atMost(WAIT);
        assertEquals(2 * MiB, size);
        assertArrayEquals(storedSha256(upload.id()), sha256(Files.readAllBytes(target)), "the winner's bytes, whole");
        Files.delete(target);
    }

    @Test
    void aBadTamperedOrExpiredSignatureIsRefused() {
        Api.TestAccount account = Api.account(0, 2);
        Created upload = create(account, "image/png");
        String url = upload.uploadUrl();
        String base = url.substring(0, url.indexOf('?'));
        String expires = url.replaceAll(".*expires=(\\d+).*", "$1");
        String signature = url.replaceAll(".*signature=", "");
        byte[] body = bytes(100, 4);

        assertError(given().contentType("image/png").body(body).put(base).then(),
                401, "authentication_error", "Invalid upload signature");
        assertError(given().contentType("image/png").body(body)
                        .put(base + "?expires=" + (Long.parseLong(expires) + 1) + "&signature=" + signature).then(),
                401, "authentication_error", "Invalid upload signature");
        String otherId = PUBLIC_URL + "/uploads/" + UUID.randomUUID() + "?expires=" + expires + "&signature=" + signature;
        assertError(given().contentType("image/png").body(body).put(otherId).then(),
                401, "authentication_error", "Invalid upload signature");
        String flipped = signature.charAt(0) == 'A' ? "B" + signature.substring(1) : "A" + signature.substring(1);
        assertError(given().contentType("image/png").body(body).put(base + "?expires=" + expires + "&signature=" + flipped)
                .then(), 401, "authentication_error", "Invalid upload signature");

        long past = Instant.now().getEpochSecond() - 1;
        assertError(given().contentType("image/png").body(body)
                        .put(base + "?expires=" + past + "&signature=" + signer.sign(upload.id(), past)).then(),
                401, "authentication_error", "Upload URL has expired");
        // the real URL still works after all of that
        given().contentType("image/png").body(body).put(url).then().statusCode(200);
    }

    @Test
    void theWrongContentTypeIsRefusedAndTheUrlStaysUsable() {
        Api.TestAccount account = Api.account(0, 2);
        Created upload = create(account, "image/png");
        assertError(given().contentType("image/jpeg").body(bytes(100, 5)).put(upload.uploadUrl()).then(),
                400, "invalid_request_error", "Content-Type must be image/png, as in required_headers");
        given().contentType("image/png").body(bytes(100, 5)).put(upload.uploadUrl()).then().statusCode(200);
    }

    /** Database trouble while the chunks are written is a 503 (not a 500), and the URL stays usable. */
    @Test
    void aDatabaseThatStallsDuringThePutIs503AndTheUrlStaysUsable() throws Exception {
        Api.TestAccount account = Api.account(0, 2);
        Created upload = create(account, "image/png");
        try (Connection lock = TestDatabase.connect()) {
            lock.setAutoCommit(false);
            lock.createStatement().execute("LOCK TABLE upload_chunks IN ACCESS EXCLUSIVE MODE");
            assertError(given().contentType("image/png").body(bytes(1000, 7)).put(upload.uploadUrl()).then(),
                    503, "service_unavailable", "Service temporarily unavailable");
            lock.rollback();
        }
        given().contentType("image/png").body(bytes(1000, 7)).put(upload.uploadUrl()).then().statusCode(200)
                .body("size", equalTo(1000));
    }

    @Test
    void aBodyWithoutContentLengthOrAnEmptyOneIsRefused() throws Exception {
        Api.TestAccount account = Api.account(0, 2);
        Created upload = create(account, "image/png");
        String response = rawPut(upload.uploadUrl(), "Transfer-Encoding: chunked\r\nContent-Type: image/png\r\n",
                "5\r\nhello\r\n0\r\n\r\n".getBytes(StandardCharsets.US_ASCII), 0);
        assertTrue(response.startsWith("HTTP/1.1 400"), response);
        assertTrue(response.contains("Content-Length header is required"), response);
        assertError(given().contentType("image/png").body(new byte[0]).put(upload.uploadUrl()).then(),
                400, "invalid_request_error", "Upload body must not be empty");
    }

    /** A declared 100 MiB + 1 body is refused with 413 in the envelope before it is read; nothing is stored. */
    @Test
    void aBodyOverOneHundredMebibytesIs413InTheEnvelope() throws Exception {
        Api.TestAccount account = Api.account(0, 2);
        Created upload = create(account, "video/mp4");
        long declared = 100 * MiB + 1;
        String response = rawPut(upload.uploadUrl(), "Content-Length: " + declared + "\r\nContent-Type: video/mp4\r\n",
                null, declared);
        assertTrue(response.startsWith("HTTP/1.1 413"), response);
        assertTrue(response.contains("{\"type\":\"error\",\"error\":{\"type\":\"request_too_large\","
                + "\"message\":\"Request exceeds the maximum allowed size\"}}"), response);
        assertTrue(response.toLowerCase().contains("x-request-id:"), response);
        // exactly 100 MiB is within the limit on the same route, and other routes keep their 10 MiB limit
        String other = raw("POST", PUBLIC_URL + "/v2/upload", "Authorization: Bearer " + account.key()
                + "\r\nContent-Type: application/json\r\nContent-Length: " + (10 * MiB + 1) + "\r\n", null, 10 * MiB + 1);
        assertTrue(other.startsWith("HTTP/1.1 413"), other);
        given().contentType("video/mp4").body(bytes(10, 6)).put(upload.uploadUrl()).then().statusCode(200);
    }

    /** A client that goes away half-way leaves nothing behind, and the same URL can be used again. */
    @Test
    void aPutCutOffHalfWayLeavesTheUrlUsable() throws Exception {
        Api.TestAccount account = Api.account(0, 2);
        Created upload = create(account, "video/mp4");
        URI uri = URI.create(upload.uploadUrl());
        try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
            OutputStream out = socket.getOutputStream();
            out.write(("PUT " + uri.getRawPath() + "?" + uri.getRawQuery() + " HTTP/1.1\r\nHost: " + uri.getHost()
                    + "\r\nContent-Type: video/mp4\r\nContent-Length: " + 3 * MiB + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(bytes((int) (MiB + MiB / 2), 12));
            out.flush();
            Thread.sleep(300); // let the first chunk reach the database
        }
        Instant deadline = Instant.now().plusSeconds(10);
        while (!"awaiting".equals(status(upload.id())) && Instant.now().isBefore(deadline)) {
            Thread.sleep(50);
        }
        assertEquals("awaiting", status(upload.id()), "the claim was handed back");
        assertEquals(0, rows("upload_chunks", upload.id()), "the partial bytes were dropped");

        byte[] body = bytes((int) (2 * MiB + 1), 13);
        given().contentType("video/mp4").body(body).put(upload.uploadUrl()).then().statusCode(200);
        Path target = Files.createTempFile("upload", ".bin");
        service.copyTo("video_uri", UUID.fromString(account.id()), upload.storageUri(), target, 10 * MiB)
                .await().atMost(WAIT);
        assertArrayEquals(sha256(body), sha256(Files.readAllBytes(target)));
        assertEquals(3, rows("upload_chunks", upload.id()));
        Files.delete(target);
    }

    @Test
    void expectContinueIsAnsweredAndOtherMethodsAreNotAllowed() throws Exception {
        Api.TestAccount account = Api.account(0, 2);
        Created upload = create(account, "image/webp");
        byte[] body = bytes((int) (MiB + 5), 14);
        HttpResponse<String> response = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().send(
                HttpRequest.newBuilder(URI.create(upload.uploadUrl())).expectContinue(true)
                        .header("Content-Type", "image/webp").timeout(Duration.ofSeconds(30))
                        .PUT(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        assertArrayEquals(sha256(body), storedSha256(upload.id()));

        assertError(given().get(upload.uploadUrl()).then(), 405, "invalid_request_error", "Method not allowed");
        assertError(given().body("x").post(upload.uploadUrl()).then(), 405, "invalid_request_error", "Method not allowed");
    }

    /** Exactly the limit is accepted: 100 MiB generated on the fly, streamed in, and read back to the same digest. */
    @Test
    void exactlyOneHundredMebibytesIsAccepted() throws Exception {
        Api.TestAccount account = Api.account(0, 2);
        Created upload = create(account, "video/mp4");
        long size = 100 * MiB;
        MessageDigest sent = MessageDigest.getInstance("SHA-256");
        HttpRequest.BodyPublisher generated = HttpRequest.BodyPublishers.fromPublisher(
                HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.InputStream() {
                    private final Random random = new Random(99);
                    private final byte[] block = new byte[64 * 1024];
                    private long left = size;

                    @Override
                    public int read() {
                        throw new UnsupportedOperationException();
                    }

                    @Override
                    public int read(byte[] buffer, int offset, int length) {
                        if (left == 0) {
                            return -1;
                        }
                        int n = (int) Math.min(Math.min(length, block.length), left);
                        random.nextBytes(block);
                        System.arraycopy(block, 0, buffer, offset, n);
                        sent.update(buffer, offset, n);
                        left -= n;
                        return n;
                    }
                }), size);
        HttpResponse<String> response = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().send(
                HttpRequest.newBuilder(URI.create(upload.uploadUrl())).header("Content-Type", "video/mp4")
                        .timeout(Duration.ofMinutes(2)).PUT(generated).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        assertArrayEquals(sent.digest(), storedSha256(upload.id()));
        assertEquals(100, rows("upload_chunks", upload.id()));
        sql("DELETE FROM uploads WHERE id = ?", upload.id()); // 100 MiB is not worth keeping around
    }

    @Test
    void anotherAccountsStorageUriIsRefusedLikeAnUnknownOne() {
        Api.TestAccount owner = Api.account(0, 2);
        Api.TestAccount other = Api.account(0, 2);
        Created upload = create(owner, "image/png");
        given().contentType("image/png").body(bytes(100, 7)).put(upload.uploadUrl()).then().statusCode(200);
        Path target = Path.of(System.getProperty("java.io.tmpdir"), "never-" + UUID.randomUUID());

        Throwable foreign = copyFailure(other, upload.storageUri(), target, MiB);
        Throwable unknown = copyFailure(other, "vidgate://uploads/" + UUID.randomUUID(), target, MiB);
        assertTrue(foreign instanceof Errors.InvalidRequest, foreign.toString());
        assertEquals("image_uri refers to an upload that does not exist", foreign.getMessage());
        assertEquals(unknown.getClass(), foreign.getClass());
        assertEquals(unknown.getMessage(), foreign.getMessage());
        assertTrue(Files.notExists(target), "nothing written for a refused upload");

        Throwable malformed = copyFailure(owner, "vidgate://uploads/not-a-uuid", target, MiB);
        assertEquals("image_uri must be a storage_uri of the form vidgate://uploads/<id>", malformed.getMessage());
        Throwable tooLarge = copyFailure(owner, upload.storageUri(), target, 99);
        assertTrue(tooLarge instanceof Errors.TooLarge, tooLarge.toString());
    }

    @Test
    void anUploadNotYetPutOrExpiredIsRefused() throws Exception {
        Api.TestAccount account = Api.account(0, 2);
        Created pending = create(account, "image/png");
        Path target = Path.of(System.getProperty("java.io.tmpdir"), "never-" + UUID.randomUUID());
        assertEquals("image_uri refers to an upload that has not been uploaded yet",
                copyFailure(account, pending.storageUri(), target, MiB).getMessage());
        Created expired = create(account, "image/png");
        given().contentType("image/png").body(bytes(100, 8)).put(expired.uploadUrl()).then().statusCode(200);
        // named by an active job, so that no sweeper deletes it while this test looks at it
        Api.grant(account.id(), 1000);
        String job = account.json().body(Api.T2V_BODY).post("/v2/text-to-video").then().statusCode(202)
                .extract().path("id");
        sql("UPDATE jobs SET inputs = inputs || jsonb_build_object('image_uri', ?::text) WHERE id = ?::uuid",
                expired.storageUri(), job);
        sql("UPDATE uploads SET upload_expires_at = now() - interval '2 days', expires_at = now() - interval '1 day'"
                + " WHERE id = ?", expired.id());
        assertEquals("image_uri refers to an upload that has expired",
                copyFailure(account, expired.storageUri(), target, MiB).getMessage());
        assertTrue(UploadService.isStorageUri(expired.storageUri()));
        assertTrue(!UploadService.isStorageUri("https://example.com/a.png"));
    }

    @Test
    void aWorkerDownloadsTheBytesWithTheirContentType() throws Exception {
        Api.TestAccount account = Api.account(0, 2);
        Created upload = create(account, "audio/wav");
        byte[] body = bytes((int) (2 * MiB + 7), 9);
        given().contentType("audio/wav").body(body).put(upload.uploadUrl()).then().statusCode(200);

        byte[] downloaded = Worker.api().get("/internal/uploads/" + upload.id()).then()
                .statusCode(200)
                .header("Content-Type", startsWith("audio/wav"))
                .header("x-content-sha256", equalTo(java.util.HexFormat.of().formatHex(sha256(body))))
                .extract().asByteArray();
        assertArrayEquals(sha256(body), sha256(downloaded));
        assertError(given().get("/internal/uploads/" + upload.id()).then(), 401, "authentication_error");
        assertError(account.as().get("/internal/uploads/" + upload.id()).then(), 401, "authentication_error");
        assertError(Worker.api().get("/internal/uploads/" + UUID.randomUUID()).then(),
                404, "not_found_error", "Upload not found");
    }

    @Test
    void theSweeperDeletesExpiredUploadsButKeepsOnesAnActiveJobNames() throws Exception {
        Api.TestAccount account = Api.account(1000, 2);
        Created lone = create(account, "image/png");
        Created referenced = create(account, "image/png");
        Created unfinished = create(account, "image/png");
        Created fresh = create(account, "image/png");
        for (Created upload : List.of(lone, referenced, fresh)) {
            given().contentType("image/png").body(bytes(2000, 11)).put(upload.uploadUrl()).then().statusCode(200);
        }
        String job = account.json().body(Api.T2V_BODY).post("/v2/text-to-video").then().statusCode(202)
                .extract().path("id");
        sql("UPDATE jobs SET inputs = inputs || jsonb_build_object('image_uri', ?::text) WHERE id = ?::uuid",
                referenced.storageUri(), job);
        for (Created upload : List.of(lone, referenced)) {
            sql("UPDATE uploads SET upload_expires_at = now() - interval '2 days', expires_at = now() - interval '1 second'"
                    + " WHERE id = ?", upload.id());
        }
        sql("UPDATE uploads SET upload_expires_at = now() - interval '2 hours' WHERE id = ?", unfinished.id());

        sweepUntilQuiet();
        assertEquals(0, rows("uploads", lone.id()));
        assertEquals(0, rows("upload_chunks", lone.id()), "its bytes went with it");
        assertEquals(0, rows("uploads", unfinished.id()));
        assertEquals(1, rows("uploads", referenced.id()), "kept while its job is active");
        assertEquals(1, rows("upload_chunks", referenced.id()));
        assertEquals(1, rows("uploads", fresh.id()));

        account.as().post("/v2/jobs/" + job + "/cancel").then().statusCode(200);
        sweepUntilQuiet();
        assertEquals(0, rows("uploads", referenced.id()), "deleted once its job ended");
        assertEquals(0, rows("upload_chunks", referenced.id()));
        assertEquals(1, rows("uploads", fresh.id()));
    }

    private void sweepUntilQuiet() {
        while (sweeper.sweepOnce().await().atMost(WAIT) > 0) {
            // other tests' expired uploads may be swept too; go on until nothing is left to delete
        }
    }

    private Throwable copyFailure(Api.TestAccount account, String uri, Path target, long maxBytes) {
        return assertThrows(RuntimeException.class, () -> service.copyTo("image_uri", UUID.fromString(account.id()),
                uri, target, maxBytes).await().atMost(WAIT));
    }

    private static byte[] storedSha256(UUID id) throws Exception {
        try (Connection c = TestDatabase.connect();
             PreparedStatement st = c.prepareStatement("SELECT sha256 FROM uploads WHERE id = ?")) {
            st.setObject(1, id);
            ResultSet rs = st.executeQuery();
            rs.next();
            return rs.getBytes(1);
        }
    }

    private static String status(UUID id) throws Exception {
        try (Connection c = TestDatabase.connect();
             PreparedStatement st = c.prepareStatement("SELECT status FROM uploads WHERE id = ?")) {
            st.setObject(1, id);
            ResultSet rs = st.executeQuery();
            return rs.next() ? rs.getString(1) : null;
        }
    }

    private static int rows(String table, UUID id) throws Exception {
        String column = table.equals("uploads") ? "id" : "upload_id";
        try (Connection c = TestDatabase.connect();
             PreparedStatement st = c.prepareStatement("SELECT count(*) FROM " + table + " WHERE " + column + " = ?")) {
            st.setObject(1, id);
            ResultSet rs = st.executeQuery();
            rs.next();
            return rs.getInt(1);
        }
    }

    static void sql(String statement, Object... parameters) throws Exception {
        try (Connection c = TestDatabase.connect(); PreparedStatement st = c.prepareStatement(statement)) {
            for (int i = 0; i < parameters.length; i++) {
                st.setObject(i + 1, parameters[i]);
            }
            st.executeUpdate();
        }
    }

    /**
     * A PUT over a raw socket: the head, then {@code body} if given, else {@code generated} bytes streamed from a
     * generator (never held in memory) until the server stops reading; the response as text.
     */
    static String rawPut(String url, String headers, byte[] body, long generated) throws Exception {
        return raw("PUT", url, headers, body, generated);
    }

    static String raw(String method, String url, String headers, byte[] body, long generated) throws Exception {
        URI uri = URI.create(url);
        try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write((method + " " + uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()) + " HTTP/1.1\r\nHost: " + uri.getHost()
                    + "\r\n" + headers + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            Thread writer = new Thread(() -> {
                try {
                    if (body != null) {
                        out.write(body);
                    } else {
                        byte[] block = new byte[64 * 1024];
                        for (long sent = 0; sent < generated; sent += block.length) {
                            out.write(block, 0, (int) Math.min(block.length, generated - sent));
                        }
                    }
                    out.flush();
                } catch (Exception e) {
                    // the server closed the connection after answering: expected for a refused body
                }
            });
            writer.start();
            InputStream in = socket.getInputStream();
            StringBuilder response = new StringBuilder();
            byte[] buffer = new byte[8192];
            int n;
            try {
                while ((n = in.read(buffer)) > 0) {
                    response.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
                    if (response.indexOf("\r\n\r\n") > 0 && response.toString().endsWith("}")) {
                        break;
                    }
                }
            } catch (java.net.SocketException e) {
                // reset after the answer
            }
            return response.toString();
        }
    }
}
