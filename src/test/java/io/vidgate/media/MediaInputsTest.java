package io.vidgate.media;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vidgate.http.ApiException;
import io.vidgate.testing.MediaFixtures;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.TimeUnit;

import static io.vidgate.media.MediaProbeTest.fixture;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** A *_uri field to MediaInfo, fetched or inline, with no temp file left whatever the outcome. */
class MediaInputsTest {

    static Vertx vertx;
    static int port;

    @TempDir
    Path dir;

    @BeforeAll
    static void startServer() throws Exception {
        vertx = Vertx.vertx();
        byte[] mkv = Files.readAllBytes(fixture("video.mkv"));
        byte[] big = new byte[(int) MediaLimits.MAX_IMAGE_BYTES + 1];
        port = vertx.createHttpServer().requestHandler(request -> {
            switch (request.path()) {
                case "/video.mkv" -> request.response().end(Buffer.buffer(mkv));
                case "/big.png" -> request.response().end(Buffer.buffer(big));
                default -> request.response().setStatusCode(404).end();
            }
        }).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS).actualPort();
    }

    @AfterAll
    static void stopServer() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @AfterEach
    void noTempFileLeft() throws IOException {
        MediaFixtures.assertNoTempFileLeft(dir);
    }

    private MediaInputs inputs() {
        MediaUris uris = new MediaUris();
        return new MediaInputs(new MediaData(dir),
                new MediaFetcher(vertx, uris, Duration.ofSeconds(10), true, InetAddress::getAllByName, dir),
                new MediaProbe(Duration.ofSeconds(5)), null, 0);
    }

    @Test
    void fetchesProbesAndDeletes() {
        MediaInfo info = inputs().inspect("video_uri", "http://localhost:" + port + "/video.mkv", MediaKind.VIDEO)
                .await().atMost(Duration.ofSeconds(15));
        assertEquals(96, info.frames());
        assertEquals(320, info.width());
    }

    @Test
    void decodesProbesAndDeletes() throws IOException {
        String uri = "data:audio/mpeg;base64," + Base64.getEncoder().encodeToString(
                Files.readAllBytes(fixture("audio-3s.mp3")));
        MediaInfo info = inputs().inspect("audio_uri", uri, MediaKind.AUDIO).await().atMost(Duration.ofSeconds(15));
        assertEquals("mp3", info.format());
        assertEquals(3168, info.durationMillis(), 50);
    }

    @Test
    void aFetchedImageOverFifteenMebibytesIsA413() {
        ApiException e = assertThrows(ApiException.class, () -> inputs()
                .inspect("image_uri", "http://localhost:" + port + "/big.png", MediaKind.IMAGE)
                .await().atMost(Duration.ofSeconds(15)));
        assertEquals(413, e.status());
    }

    @Test
    void unreadableMediaIsA400AndItsFileIsGone() {
        String uri = "data:video/mp4;base64," + Base64.getEncoder().encodeToString("not a video".getBytes());
        ApiException e = assertThrows(ApiException.class, () -> inputs().inspect("video_uri", uri, MediaKind.VIDEO)
                .await().atMost(Duration.ofSeconds(15)));
        assertEquals("video_uri must be a video (mp4, mov or mkv)", e.getMessage());
    }

    @Test
    void aUrlOutsideTheRulesIsA400BeforeAnyFetch() {
        MediaUris uris = new MediaUris();
        MediaInputs secure = new MediaInputs(new MediaData(dir),
                new MediaFetcher(vertx, uris, Duration.ofSeconds(10), false, InetAddress::getAllByName, dir),
                new MediaProbe(Duration.ofSeconds(5)), null, 0);
        ApiException e = assertThrows(ApiException.class, () -> secure
                .inspect("video_uri", "https://10.0.0.1/v.mp4", MediaKind.VIDEO).await().atMost(Duration.ofSeconds(5)));
        assertEquals("video_uri must name a public DNS host, not an IP address", e.getMessage());
    }
}
