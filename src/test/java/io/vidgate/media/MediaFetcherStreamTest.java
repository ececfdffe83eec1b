package io.vidgate.media;

import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerResponse;
import io.vidgate.http.ApiException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link MediaFetcher#stream}: the same rules as a media fetch (public addresses, redirects re-checked, byte and time
 * bounds), with the body handed on as a stream. Against a local Vert.x server (loopback, so allow-insecure except
 * where the address rule itself is tested), without Quarkus.
 */
class MediaFetcherStreamTest {

    static Vertx vertx;
    static int port;
    static byte[] video;
    static final AtomicLong streamedBytes = new AtomicLong();
    static final AtomicInteger connections = new AtomicInteger();

    @BeforeAll
    static void startServer() throws Exception {
        vertx = Vertx.vertx();
        video = new byte[3 * 1024 * 1024 + 17];
        new Random(5).nextBytes(video);
        HttpServer server = vertx.createHttpServer().connectionHandler(c -> connections.incrementAndGet())
                .requestHandler(request -> {
                    HttpServerResponse response = request.response();
                    switch (request.path()) {
                        case "/video.mp4" -> response.putHeader("Content-Type", "video/mp4").end(Buffer.buffer(video));
                        case "/redirect" -> response.setStatusCode(302).putHeader("Location", "/video.mp4").end();
                        case "/redirect-ftp" -> response.setStatusCode(302).putHeader("Location", "ftp://localhost/x")
                                .end();
                        case "/missing" -> response.setStatusCode(404).end("no");
                        case "/declared-large" -> response.putHeader("Content-Length", "100000")
                                .write(Buffer.buffer(new byte[1000]));
                        case "/chunked-large" -> {
                            response.setChunked(true);
                            long timer = vertx.setPeriodic(5, id -> {
                                if (response.closed() || streamedBytes.get() >= 2_000_000) {
                                    vertx.cancelTimer(id);
                                    if (!response.closed()) {
                                        response.end();
                                    }
                                    return;
                                }
                                streamedBytes.addAndGet(4096);
                                response.write(Buffer.buffer(new byte[4096]));
                            });
                            response.closeHandler(v -> vertx.cancelTimer(timer));
                        }
                        case "/stall" -> { // headers and a first piece, then nothing
                            response.setChunked(true);
                            response.write(Buffer.buffer(new byte[1000]));
                        }
                        case "/slow" -> { } // never answers
                        default -> response.setStatusCode(500).end();
                    }
                });
        port = server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS)
                .actualPort();
    }

    @AfterAll
    static void stopServer() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static MediaFetcher fetcher() {
        return new MediaFetcher(vertx, new MediaUris(), Duration.ofSeconds(10), true, InetAddress::getAllByName, null);
    }

    private static String url(String path) {
        return "http://localhost:" + port + path;
    }

    private static MediaFetcher.RemoteStream open(MediaFetcher fetcher, String path, long max, Duration limit) {
        return fetcher.stream("video_url", url(path), max, limit).await().atMost(Duration.ofSeconds(15));
    }

    private static byte[] read(MediaFetcher.RemoteStream stream) {
        return stream.body().collect().in(Buffer::buffer, Buffer::appendBuffer).await().atMost(Duration.ofSeconds(15))
                .getBytes();
    }

    private static ApiException failure(Uni<?> uni) {
        return assertThrows(ApiException.class, () -> uni.await().atMost(Duration.ofSeconds(15)));
    }

    @Test
    void streamsTheBodyWithItsTypeAndLength() {
        MediaFetcher.RemoteStream stream = open(fetcher(), "/video.mp4", video.length, Duration.ofSeconds(10));
        assertEquals("video/mp4", stream.contentType());
        assertEquals(video.length, stream.length());
        assertArrayEquals(video, read(stream));
    }

    @Test
    void followsARedirect() {
        assertArrayEquals(video, read(open(fetcher(), "/redirect", 32 << 20, Duration.ofSeconds(10))));
    }

    @Test
    void aRedirectIsCheckedLikeTheOriginalUrl() {
        ApiException e = failure(fetcher().stream("video_url", url("/redirect-ftp"), 1000, Duration.ofSeconds(10)));
        assertEquals("video_url must be an http or https URL", e.getMessage());
    }

    @Test
    void aNon2xxAnswerIsA400() {
        ApiException e = failure(fetcher().stream("video_url", url("/missing"), 1000, Duration.ofSeconds(10)));
        assertEquals("video_url could not be fetched (HTTP 404)", e.getMessage());
    }

    @Test
    void aDeclaredLengthOverTheLimitIsA413BeforeTheBody() {
        ApiException e = failure(fetcher().stream("video_url", url("/declared-large"), 10_000, Duration.ofSeconds(10)));
        assertEquals(413, e.status());
    }

    @Test
    void aChunkedBodyOverTheLimitFailsTheStreamAndTheDownloadStops() {
        streamedBytes.set(0);
        MediaFetcher.RemoteStream stream = open(fetcher(), "/chunked-large", 20_000, Duration.ofSeconds(10));
        assertNull(stream.length());
        ApiException e = assertThrows(ApiException.class, () -> read(stream));
        assertEquals(413, e.status());
        long sent = streamedBytes.get();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(300);
        while (System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertTrue(streamedBytes.get() < 2_000_000, "the server stopped sending once the connection was reset");
        assertTrue(streamedBytes.get() - sent < 200_000, "no more than a few buffers after the reset");
    }

    @Test
    void theTimeBoundCoversTheHeaders() {
        ApiException e = failure(fetcher().stream("video_url", url("/slow"), 1000, Duration.ofMillis(300)));
        assertEquals("video_url could not be fetched in time", e.getMessage());
    }

    @Test
    void theTimeBoundCoversTheLastByte() {
        long start = System.nanoTime();
        MediaFetcher.RemoteStream stream = open(fetcher(), "/stall", 1 << 20, Duration.ofMillis(500));
        assertThrows(RuntimeException.class, () -> read(stream), "a body that stalls is cut at the time bound");
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5));
    }

    @Test
    void withoutAllowInsecureAPrivateAddressIsRefusedBeforeAnyConnection() throws Exception {
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        MediaFetcher strict = new MediaFetcher(vertx, new MediaUris(), Duration.ofSeconds(10), false,
                host -> new InetAddress[] {loopback}, null);
        int before = connections.get();
        ApiException e = failure(strict.stream("video_url", "https://media.example.com:" + port + "/video.mp4",
                1000, Duration.ofSeconds(10)));
        assertEquals("video_url must name a public host", e.getMessage());
        assertEquals(before, connections.get());
        ApiException http = failure(strict.stream("video_url", url("/video.mp4"), 1000, Duration.ofSeconds(10)));
        assertEquals(400, http.status());
    }
}
