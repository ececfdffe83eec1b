package io.vidgate.results;

import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import io.vidgate.testing.Api;
import io.vidgate.testing.Ledger;
import io.vidgate.testing.QueueTest;
import io.vidgate.testing.TestDatabase;
import io.vidgate.testing.Worker;
import io.vidgate.uploads.UploadSignature;
import io.vidgate.uploads.UploadSweeper;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.restassured.RestAssured.given;
import static io.vidgate.testing.Api.PUBLIC_URL;
import static io.vidgate.testing.Api.assertError;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Results stored by vidgate end to end over HTTP (docs/api.md 4 and 4.5): the worker's result upload, the PUT, the
 * complete with its storage_uri, the signed URL every read hands out, the download without an API key, and every
 * refusal; the ledger is checked after each test (QueueTest).
 */
@QuarkusTest
@QuarkusTestResource(TestDatabase.class)
class ResultApiTest extends QueueTest {

    private static final Pattern SIGNED = Pattern.compile(Pattern.quote(PUBLIC_URL)
            + "/results/([0-9a-f-]{36})\\?expires=(\\d+)&signature=([A-Za-z0-9_-]{43})");

    @Inject
    UploadSweeper sweeper;

    @Inject
    UploadSignature signer;

    @Inject
    ResultLinks links;

    private final Worker worker = new Worker("gpu-results");

    record Leased(String id, String token) {
    }

    record Ticket(String uploadUrl, String storageUri) {
        UUID uploadId() {
            return UUID.fromString(storageUri.substring("vidgate://uploads/".length()));
        }
    }

    private Leased createAndLease(Api.TestAccount account) {
        String id = account.json().body(Api.T2V_BODY).post("/v2/text-to-video").then().statusCode(202)
                .extract().path("id");
        List<String> lease = worker.leaseOne();
        assertEquals(id, lease.get(0));
        return new Leased(id, lease.get(1));
    }

    private static ValidatableResponse askUpload(String jobId, String body) {
        return Worker.api().body(body).post("/internal/jobs/" + jobId + "/result-upload").then();
    }

    private static Ticket ticket(Leased job) {
        var answer = askUpload(job.id(), "{\"lease_token\":\"" + job.token() + "\"}").statusCode(201).extract();
        return new Ticket(answer.path("upload_url"), answer.path("storage_uri"));
    }

    private static void put(Ticket ticket, byte[] bytes) {
        given().contentType("video/mp4").body(bytes).put(ticket.uploadUrl()).then().statusCode(200)
                .body("storage_uri", equalTo(ticket.storageUri())).body("size", equalTo(bytes.length));
    }

    private static ValidatableResponse complete(Leased job, String videoUrl) {
        return Worker.api().body(Map.of("lease_token", job.token(), "video_url", videoUrl))
                .post("/internal/jobs/" + job.id() + "/complete").then();
    }

    static byte[] bytes(int size, long seed) {
        byte[] data = new byte[size];
        new Random(seed).nextBytes(data);
        return data;
    }

    /** A job completed with a stored result of {@code video}: [job id, the signed URL of the complete answer]. */
    private List<String> completedWithStoredResult(Api.TestAccount account, byte[] video) {
        Leased job = createAndLease(account);
        Ticket ticket = ticket(job);
        put(ticket, video);
        String url = complete(job, ticket.storageUri()).statusCode(200).extract().path("result.video_url");
        return List.of(job.id(), url);
    }

    private static Matcher signed(String url, String jobId) {
        Matcher m = SIGNED.matcher(url);
        assertTrue(m.matches(), url);
        assertEquals(jobId, m.group(1));
        return m;
    }

    private static void sql(String statement, Object... params) throws Exception {
        try (Connection c = TestDatabase.connect(); PreparedStatement st = c.prepareStatement(statement)) {
            for (int i = 0; i < params.length; i++) {
                st.setObject(i + 1, params[i]);
            }
            st.executeUpdate();
        }
    }

    // ---- the whole path --------------------------------------------------------------------------------------------

    @Test
    void aWorkerUploadsItsVideoAndTheClientDownloadsItWithoutAKey() throws Exception {
        Api.TestAccount account = Api.account(1000, 2);
        Leased job = createAndLease(account);
        var answer = askUpload(job.id(), "{\"lease_token\":\"" + job.token() + "\"}").statusCode(201)
                .header("x-request-id", notNullValue())
                .body("upload_url", matchesPattern(Pattern.quote(PUBLIC_URL)
                        + "/uploads/[0-9a-f-]{36}\\?expires=\\d+&signature=[A-Za-z0-9_-]{43}"))
                .body("storage_uri", matchesPattern("vidgate://uploads/[0-9a-f-]{36}"))
                .body("required_headers.Content-Type", equalTo("video/mp4"))
                .body("expires_at", notNullValue())
                .body("storage_uri_expires_at", notNullValue())
                .body("max_bytes", equalTo(100 * 1024 * 1024))
                .extract();
        Ticket ticket = new Ticket(answer.path("upload_url"), answer.path("storage_uri"));
        assertEquals(1, Ledger.scalar("SELECT count(*) FROM uploads WHERE id = '" + ticket.uploadId()
                + "' AND job_id = '" + job.id() + "' AND account_id = '" + account.id() + "'"),
                "the upload belongs to the job's account and names the job");

        byte[] video = bytes(2 * 1024 * 1024 + 4321, 7); // three 1 MiB chunks in PostgreSQL
        put(ticket, video);

        String fromComplete = complete(job, ticket.storageUri()).statusCode(200)
                .body("status", equalTo("completed"))
                .body("progress", equalTo(100))
                .body("credits.charged", equalTo(64))
                .body("result.expires_at", notNullValue())
                .extract().path("result.video_url");
        signed(fromComplete, job.id());

        String url = account.as().get("/v2/jobs/" + job.id()).then().statusCode(200)
                .body("status", equalTo("completed"))
                .extract().path("result.video_url");
        Matcher m = signed(url, job.id());
        String completedAt = account.as().get("/v2/jobs/" + job.id()).then().extract().path("completed_at");
        long expectedExpiry = Instant.parse(completedAt).plus(Duration.ofHours(24)).getEpochSecond();
        assertEquals(expectedExpiry, Long.parseLong(m.group(2)), "valid until 24 h after the job ended");
        account.as().get("/v2/jobs/" + job.id()).then()
                .body("result.expires_at", equalTo(io.vidgate.http.Times.format(Instant.ofEpochSecond(expectedExpiry))));
        assertEquals("vidgate://uploads/" + ticket.uploadId(), storedResult(job.id()),
                "the row keeps the storage_uri; the URL is made on each read");

        var download = given().get(url).then().statusCode(200)
                .header("Content-Type", "video/mp4")
                .header("Content-Length", org.hamcrest.Matchers.nullValue())
                .header("x-request-id", matchesPattern("[0-9a-f]{32}"))
                .header("X-Content-Type-Options", "nosniff")
                .extract();
        assertArrayEquals(sha256(video), sha256(download.asByteArray()), "the uploaded bytes, whole");

        // the typed path and the list show a signed URL too
        signed(account.as().get("/v2/text-to-video/" + job.id()).then().statusCode(200)
                .extract().path("result.video_url"), job.id());
        signed(account.as().get("/v2/jobs?status=completed").then().statusCode(200)
                .extract().path("data[0].result.video_url"), job.id());
        account.as().get("/v2/balance").then().body("available", equalTo(936)).body("reserved", equalTo(0));
    }

    @Test
    void theWebhookBodyCarriesASignedUrlThatDownloads() throws Exception {
        List<String> bodies = new CopyOnWriteArrayList<>();
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hook", exchange -> {
            bodies.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        receiver.start();
        try {
            Api.TestAccount account = Api.account(1000, 2);
            String hook = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook";
            String id = account.json().body(Api.T2V_BODY.replace("}", ",\"webhook_url\":\"" + hook + "\"}"))
                    .post("/v2/text-to-video").then().statusCode(202).extract().path("id");
            List<String> lease = worker.leaseOne();
            Leased job = new Leased(id, lease.get(1));
            Ticket ticket = ticket(job);
            byte[] video = bytes(5000, 8);
            put(ticket, video);
            complete(job, ticket.storageUri()).statusCode(200);

            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (bodies.isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertEquals(1, bodies.size(), "one delivery");
            String url = io.restassured.path.json.JsonPath.from(bodies.get(0)).getString("result.video_url");
            signed(url, id);
            assertArrayEquals(video, given().get(url).then().statusCode(200).extract().asByteArray());
        } finally {
            receiver.stop(0);
        }
    }

    @Test
    void everyReadSignsTheUrlAfreshFromTheRow() throws Exception {
        Api.TestAccount account = Api.account(1000, 2);
        byte[] video = bytes(3000, 9);
        List<String> done = completedWithStoredResult(account, video);
        String id = done.get(0);
        String first = account.as().get("/v2/jobs/" + id).then().extract().path("result.video_url");
        assertEquals(first, account.as().get("/v2/jobs/" + id).then().extract().path("result.video_url"),
                "nothing changed: the same URL (cacheable by clients)");

        // The job ended an hour earlier than recorded: the next read hands out a URL that expires an hour earlier,
        // so the URL is made from the row on each read, not stored. Both URLs are valid signatures.
        sql("UPDATE jobs SET completed_at = completed_at - interval '1 hour' WHERE id = ?::uuid", id);
        String second = account.as().get("/v2/jobs/" + id).then().extract().path("result.video_url");
        assertNotEquals(first, second);
        assertEquals(Long.parseLong(signed(first, id).group(2)) - 3600, Long.parseLong(signed(second, id).group(2)));
        assertArrayEquals(video, given().get(second).then().statusCode(200).extract().asByteArray());
        assertArrayEquals(video, given().get(first).then().statusCode(200).extract().asByteArray());
    }

    @Test
    void anExternalVideoUrlIsShownAsGivenWithoutExpiry() {
        Api.TestAccount account = Api.account(1000, 2);
        Leased job = createAndLease(account);
        complete(job, "https://cdn.example.com/" + job.id() + ".mp4").statusCode(200)
                .body("result.video_url", equalTo("https://cdn.example.com/" + job.id() + ".mp4"))
                .body("result.size()", equalTo(1));
        // a correctly signed URL for it still serves nothing: vidgate stores no result of this job
        long expires = Instant.now().plusSeconds(600).getEpochSecond();
        assertError(given().get(links.url(UUID.fromString(job.id()), expires)).then(), 404, "not_found_error",
                "Result not found");
    }

    @Test
    void webmIsAccepted() throws Exception {
        Api.TestAccount account = Api.account(1000, 2);
        Leased job = createAndLease(account);
        var answer = askUpload(job.id(), "{\"lease_token\":\"" + job.token() + "\",\"content_type\":\"video/webm\"}")
                .statusCode(201).body("required_headers.Content-Type", equalTo("video/webm")).extract();
        Ticket ticket = new Ticket(answer.path("upload_url"), answer.path("storage_uri"));
        byte[] video = bytes(2000, 10);
        given().contentType("video/webm").body(video).put(ticket.uploadUrl()).then().statusCode(200);
        String url = complete(job, ticket.storageUri()).statusCode(200).extract().path("result.video_url");
        given().get(url).then().statusCode(200).header("Content-Type", "video/webm");
    }

    // ---- refusals of the result upload ------------------------------------------------------------------------------

    @Test
    void onlyTheLiveLeaseGetsAResultUpload() throws Exception {
        Api.TestAccount account = Api.account(1000, 3);
        Leased job = createAndLease(account);
        assertError(askUpload(UUID.randomUUID().toString(), "{\"lease_token\":\"" + job.token() + "\"}"),
                404, "not_found_error", "Job not found");
        assertError(askUpload("not-a-uuid", "{\"lease_token\":\"" + job.token() + "\"}"),
                404, "not_found_error", "Job not found");
        assertError(askUpload(job.id(), "{\"lease_token\":\"" + UUID.randomUUID() + "\"}"),
                409, "conflict_error", "Lease token is not the live lease of this job (job is processing)");
        assertError(askUpload(job.id(), "{\"lease_token\":\"garbage\"}"), 409, "conflict_error");
        assertError(askUpload(job.id(), "{\"lease_token\":\"" + job.token() + "\",\"content_type\":\"image/png\"}"),
                400, "invalid_request_error", "content_type must be one of video/mp4, video/webm");
        assertError(askUpload(job.id(), "{\"lease_token\":\"" + job.token() + "\",\"content_type\":\"text/html\"}"),
                400, "invalid_request_error", "content_type must be one of video/mp4, video/webm");
        assertError(askUpload(job.id(), "{\"lease_token\":\"" + job.token() + "\",\"size\":5}"),
                400, "invalid_request_error", "Unknown parameter: size");
        assertError(askUpload(job.id(), "{}"), 400, "invalid_request_error", "lease_token is required");
        assertError(given().contentType("application/json").body("{\"lease_token\":\"" + job.token() + "\"}")
                .post("/internal/jobs/" + job.id() + "/result-upload").then(), 401, "authentication_error");
        assertError(Api.account(0, 1).json().body("{\"lease_token\":\"" + job.token() + "\"}")
                .post("/internal/jobs/" + job.id() + "/result-upload").then(), 401, "authentication_error",
                "Invalid token");
        assertEquals(0, Ledger.scalar("SELECT count(*) FROM uploads WHERE job_id = '" + job.id() + "'"),
                "no refused request made an upload");

        // after the end of the job: completed, then a cancelled one
        complete(job, "https://cdn.example.com/x.mp4").statusCode(200);
        assertError(askUpload(job.id(), "{\"lease_token\":\"" + job.token() + "\"}"),
                409, "conflict_error", "Lease token is not the live lease of this job (job is completed)");
        Leased cancelled = createAndLease(account);
        account.as().post("/v2/jobs/" + cancelled.id() + "/cancel").then().statusCode(200);
        assertError(askUpload(cancelled.id(), "{\"lease_token\":\"" + cancelled.token() + "\"}"),
                409, "conflict_error", "Job was cancelled; stop working on it");
        // a lease that expired and was rescued is stale
        Leased rescued = createAndLease(account);
        sql("UPDATE jobs SET lease_expires_at = now() - interval '1 second' WHERE id = ?::uuid", rescued.id());
        sweepers.sweepOnce().await().atMost(Duration.ofSeconds(10));
        assertError(askUpload(rescued.id(), "{\"lease_token\":\"" + rescued.token() + "\"}"),
                409, "conflict_error", "Lease token is not the live lease of this job (job is pending)");
        account.as().post("/v2/jobs/" + rescued.id() + "/cancel").then().statusCode(200);
    }

    // ---- refusals of the complete ------------------------------------------------------------------------------------

    @Test
    void completeTakesOnlyAStoredResultUploadOfThatJob() throws Exception {
        Api.TestAccount account = Api.account(1000, 3);
        Leased job = createAndLease(account);
        Leased other = createAndLease(account);
        Ticket mine = ticket(job);
        Ticket theirs = ticket(other);
        put(theirs, bytes(1000, 11));

        String customerUpload = account.json().body("{\"content_type\":\"video/mp4\"}").post("/v2/upload").then()
                .statusCode(201).extract().path("storage_uri");

        assertError(complete(job, theirs.storageUri()), 400, "invalid_request_error",
                "video_url must be the storage_uri of a result upload of this job");
        assertError(complete(job, customerUpload), 400, "invalid_request_error",
                "video_url must be the storage_uri of a result upload of this job");
        assertError(complete(job, "vidgate://uploads/" + UUID.randomUUID()), 400, "invalid_request_error",
                "video_url must be the storage_uri of a result upload of this job");
        assertError(complete(job, "vidgate://uploads/not-an-id"), 400, "invalid_request_error",
                "video_url must be an http or https URL or the storage_uri of a result upload");
        assertError(complete(job, mine.storageUri().toUpperCase(java.util.Locale.ROOT)), 400,
                "invalid_request_error");
        assertError(complete(job, mine.storageUri()), 400, "invalid_request_error",
                "video_url refers to a result upload that has not been uploaded yet");
        assertError(complete(job, "ftp://example.com/v.mp4"), 400, "invalid_request_error",
                "video_url must be an http or https URL or the storage_uri of a result upload");

        // nothing changed: still processing, nothing charged, the other job's upload untouched
        account.as().get("/v2/jobs/" + job.id()).then().body("status", equalTo("processing"))
                .body("result", nullValue()).body("credits.charged", equalTo(0));
        assertEquals(0, Ledger.scalar("SELECT count(*) FROM ledger_entries WHERE kind = 'capture' AND job_id = '"
                + job.id() + "'"));
        Ledger.assertConserved();

        // a stale lease is a 409 whatever the URL, and keeps nothing
        assertError(Worker.api().body(Map.of("lease_token", UUID.randomUUID().toString(),
                        "video_url", theirs.storageUri())).post("/internal/jobs/" + other.id() + "/complete").then(),
                409, "conflict_error", "Lease token is not the live lease of this job (job is processing)");
        long before = Ledger.scalar("SELECT extract(epoch FROM expires_at)::bigint FROM uploads WHERE id = '"
                + theirs.uploadId() + "'");
        assertTrue(before > Instant.now().plus(Duration.ofHours(23)).getEpochSecond());

        // the right upload completes
        put(mine, bytes(1000, 12));
        String url = complete(job, mine.storageUri()).statusCode(200).body("status", equalTo("completed"))
                .extract().path("result.video_url");
        signed(url, job.id());
        long expiresAt = Ledger.scalar("SELECT extract(epoch FROM expires_at - completed_at)::bigint FROM uploads u "
                + "JOIN jobs j ON j.id = u.job_id WHERE u.id = '" + mine.uploadId() + "'");
        assertEquals(Duration.ofHours(24).toSeconds(), expiresAt, "the result upload expires 24 h after the job ended");
        // the same upload cannot complete the other job either
        assertError(complete(other, mine.storageUri()), 400, "invalid_request_error");
        complete(other, theirs.storageUri()).statusCode(200);
    }

    // ---- refusals of the download ------------------------------------------------------------------------------------

    @Test
    void aBadOrExpiredSignatureIsRefusedBeforeAnythingIsRead() {
        Api.TestAccount account = Api.account(1000, 2);
        List<String> done = completedWithStoredResult(account, bytes(1500, 13));
        String id = done.get(0);
        Matcher m = signed(done.get(1), id);
        String base = PUBLIC_URL + "/results/" + id;
        long expires = Long.parseLong(m.group(2));
        String signature = m.group(3);
        given().get(done.get(1)).then().statusCode(200);

        String bad = "Invalid result signature";
        String flipped = (signature.charAt(0) == 'A' ? "B" : "A") + signature.substring(1);
        assertError(given().get(base + "?expires=" + expires + "&signature=" + flipped).then(),
                401, "authentication_error", bad);
        assertError(given().get(base + "?expires=" + (expires + 3600) + "&signature=" + signature).then(),
                401, "authentication_error", bad);
        assertError(given().get(base + "?expires=" + expires).then(), 401, "authentication_error", bad);
        assertError(given().get(base).then(), 401, "authentication_error", bad);
        assertError(given().get(base + "?expires=-5&signature=" + signature).then(), 401, "authentication_error", bad);
        assertError(given().get(PUBLIC_URL + "/results/not-a-uuid?expires=" + expires + "&signature=" + signature)
                .then(), 401, "authentication_error", bad);
        // another job's id with this job's signature
        Leased other = createAndLease(account);
        assertError(given().get(PUBLIC_URL + "/results/" + other.id() + "?expires=" + expires + "&signature="
                + signature).then(), 401, "authentication_error", bad);
        worker.fail(other.id(), other.token(), false).statusCode(200);
        // an upload signature of the same id and expiry (the same key, another purpose) is not a result signature
        assertError(given().get(base + "?expires=" + expires + "&signature="
                + signer.sign(UUID.fromString(id), expires)).then(), 401, "authentication_error", bad);
        // an API key does not replace the signature
        assertError(account.as().get(base).then(), 401, "authentication_error", bad);
        // a correctly signed URL whose time has passed
        long past = Instant.now().minusSeconds(5).getEpochSecond();
        assertError(given().get(links.url(UUID.fromString(id), past)).then(), 401, "authentication_error",
                "Result URL has expired");
        // only GET
        assertError(given().put(done.get(1)).then(), 405, "invalid_request_error");
    }

    @Test
    void anExpiredResultIsGoneTheJobAndItsLedgerStay() throws Exception {
        Api.TestAccount account = Api.account(1000, 2);
        byte[] video = bytes(1_500_000, 14);
        List<String> done = completedWithStoredResult(account, video);
        String id = done.get(0);
        String url = done.get(1);
        UUID upload = UUID.fromString(storedResult(id).substring("vidgate://uploads/".length()));
        given().get(url).then().statusCode(200);

        // the result's time is up (the URL, signed for 24 h, is still valid): 404 before and after the sweep
        sql("UPDATE uploads SET upload_expires_at = now() - interval '2 seconds', expires_at = now() - interval '1 second'"
                + " WHERE id = ?", upload);
        assertError(given().get(url).then(), 404, "not_found_error", "Result not found");
        while (sweeper.sweepOnce().await().atMost(Duration.ofSeconds(30)) > 0) {
            Thread.sleep(10);
        }
        assertEquals(0, Ledger.scalar("SELECT count(*) FROM uploads WHERE id = '" + upload + "'"), "swept");
        assertEquals(0, Ledger.scalar("SELECT count(*) FROM upload_chunks WHERE upload_id = '" + upload + "'"),
                "its bytes too");
        assertError(given().get(url).then(), 404, "not_found_error", "Result not found");

        // the job and its money stay; once 24 h have passed since it ended, the job shows video_url null
        sql("UPDATE jobs SET completed_at = now() - interval '24 hours 1 second' WHERE id = ?::uuid", id);
        account.as().get("/v2/jobs/" + id).then().statusCode(200)
                .body("status", equalTo("completed"))
                .body("credits.charged", equalTo(64))
                .body("result.video_url", nullValue())
                .body("result.expires_at", notNullValue());
        assertEquals(1, Ledger.scalar("SELECT count(*) FROM ledger_entries WHERE kind = 'capture' AND job_id = '"
                + id + "'"));
        account.as().get("/v2/balance").then().body("available", equalTo(936)).body("reserved", equalTo(0));
    }

    private static String storedResult(String jobId) throws Exception {
        try (Connection c = TestDatabase.connect();
             PreparedStatement st = c.prepareStatement("SELECT result ->> 'video_url' FROM jobs WHERE id = ?::uuid")) {
            st.setString(1, jobId);
            var rs = st.executeQuery();
            rs.next();
            return rs.getString(1);
        }
    }

    static byte[] sha256(byte[] data) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(data);
    }

}
