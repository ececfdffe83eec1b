package io.vidgate.it;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.vidgate.it.PackagedApp.WORKER_TOKEN;
import static io.vidgate.it.PackagedApp.expect;
import static io.vidgate.it.PackagedApp.json;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Two packaged instances (two pods) on one database: a /v1 call waiting on pod A is woken by its job's end through
 * pod B (the job-end notification crosses pods), also when A's listening connection was dropped before the end
 * (the re-read after the listener reconnects finds it).
 */
class SyncTwoInstancesIT {

    private static final String T2V_BODY =
            "{\"prompt\":\"A lighthouse at dusk\",\"model\":\"ltx-2-3-pro\",\"duration\":8.0,\"resolution\":\"1920x1080\"}";

    private static PackagedApp.Database database;
    private static PackagedApp a;
    private static PackagedApp b;

    @BeforeAll
    static void startTwoInstances() {
        database = PackagedApp.Database.start();
        a = PackagedApp.start("sync-a", PackagedApp.environment(PackagedApp.freePort(), database.port()));
        b = PackagedApp.start("sync-b", PackagedApp.environment(PackagedApp.freePort(), database.port()));
        a.awaitReady();
        b.awaitReady();
    }

    @AfterAll
    static void stop() {
        try {
            PackagedApp.closeAll(a, b);
        } finally {
            if (database != null) {
                database.close();
            }
        }
    }

    @Test
    void aJobCompletedThroughPodBWakesTheV1CallWaitingOnPodA() throws Exception {
        waitOnAFinishOnB(false);
    }

    @Test
    void aDroppedListenerStillEndsTheWait() throws Exception {
        waitOnAFinishOnB(true);
    }

    private void waitOnAFinishOnB(boolean dropListeners) throws Exception {
        PackagedApp.Account account = a.account(Map.of("name", "sync-two-pods"), 1000);
        HttpRequest call = a.request("/v1/text-to-video", account.key()).timeout(Duration.ofSeconds(120))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(T2V_BODY)).build();
        CompletableFuture<HttpResponse<byte[]>> answer = PackagedApp.HTTP.sendAsync(call,
                HttpResponse.BodyHandlers.ofByteArray());

        JsonNode leased = leaseOnB();
        String jobId = leased.path("job").path("id").asText();
        String token = leased.path("lease").path("token").asText();
        if (dropListeners) {
            try (Connection db = DriverManager.getConnection("jdbc:postgresql://localhost:" + database.port()
                    + "/postgres", "postgres", "postgres"); Statement sql = db.createStatement()) {
                sql.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE 'LISTEN%'");
            }
        }
        byte[] video = new byte[200_000];
        new Random(jobId.hashCode()).nextBytes(video);
        JsonNode ticket = json(expect(201, b.post("/internal/jobs/" + jobId + "/result-upload", WORKER_TOKEN,
                "{\"lease_token\":\"" + token + "\"}")));
        URI put = URI.create(ticket.path("upload_url").asText());
        HttpResponse<String> stored = PackagedApp.send(HttpRequest.newBuilder(b.uri(put.getRawPath() + "?"
                        + put.getRawQuery())).header("Content-Type", "video/mp4")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(video)).build());
        assertEquals(200, stored.statusCode(), stored.body());
        expect(200, b.post("/internal/jobs/" + jobId + "/complete", WORKER_TOKEN, "{\"lease_token\":\"" + token
                + "\",\"video_url\":\"" + ticket.path("storage_uri").asText() + "\"}"));

        HttpResponse<byte[]> response = answer.get(60, TimeUnit.SECONDS);
        assertEquals(200, response.statusCode(), new String(response.body()));
        assertEquals(jobId, response.headers().firstValue("x-vidgate-job-id").orElse(null));
        assertArrayEquals(video, response.body());
    }

    /** The one job the waiting call created, leased through pod B. */
    private static JsonNode leaseOnB() throws InterruptedException {
        for (int i = 0; i < 200; i++) {
            JsonNode jobs = json(expect(200, b.post("/internal/jobs/lease", WORKER_TOKEN,
                    "{\"worker_id\":\"pod-b-worker\",\"max_jobs\":1}"))).path("jobs");
            if (jobs.size() == 1) {
                return jobs.get(0);
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the /v1 call on pod A created no job");
    }
}
