package io.vidgate.media;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerResponse;
import io.vidgate.http.ApiException;
import io.vidgate.testing.MediaFixtures;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Fetches against a local Vert.x HTTP server (loopback only), without Quarkus. */
class MediaFetcherTest {

    static Vertx vertx;
    static HttpServer server;
    static int port;
    static byte[] video;
    static final AtomicLong streamedBytes = new AtomicLong();
    static final AtomicInteger requests = new AtomicInteger();
    static final AtomicInteger connections = new AtomicInteger();

    @TempDir
    Path dir;

    @BeforeAll
    static void startServer() throws Exception {
        vertx = Vertx.vertx();
        video = Files.readAllBytes(MediaProbeTest.fixture("video-portrait.mp4"));
        server = vertx.createHttpServer().connectionHandler(c -> connections.incrementAndGet()).requestHandler(request -> {
            requests.incrementAndGet();
            HttpServerResponse response = request.response();
            switch (request.path()) {
                case "/video.mp4" -> response.end(Buffer.buffer(video));
                case "/missing" -> response.setStatusCode(404).end("not here");
                case "/declared-large" -> response.putHeader("Content-Length", "100000")
                        .write(Buffer.buffer(new byte[1000]));
                case "/chunked-large" -> {
                    response.setChunked(true);
                    long timer = vertx.setPeriodic(5, id -> {
                        if (response.closed() || streamedBytes.get() >= 1_000_000) {
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
                case "/slow" -> { } // never answers
                case "/redirect" -> response.setStatusCode(302).putHeader("Location", "/video.mp4").end();
                case "/redirect-absolute" -> response.setStatusCode(301)
                        .putHeader("Location", "http://localhost:" + port + "/video.mp4").end();
                case "/loop" -> response.setStatusCode(302).putHeader("Location", "/loop").end();
                case "/redirect-ftp" -> response.setStatusCode(302).putHeader("Location", "ftp://localhost/x").end();
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

    @AfterEach
    void noTempFileLeft() throws IOException {
        MediaFixtures.assertNoTempFileLeft(dir);
    }

    private MediaFetcher fetcher(Duration timeout) {
        return new MediaFetcher(vertx, new MediaUris(), timeout, true, InetAddress::getAllByName, dir);
    }

    private String url(String path) {
        return "http://localhost:" + port + path;
    }

    private static TempMedia await(io.smallrye.mutiny.Uni<TempMedia> fetch) {
        return fetch.await().atMost(Duration.ofSeconds(15));
    }

    private static ApiException failure(io.smallrye.mutiny.Uni<TempMedia> fetch) {
        return assertThrows(ApiException.class, () -> await(fetch));
    }

    @Test
    void streamsTheBodyIntoATempFileThatClosingDeletes() throws IOException {
        TempMedia media = await(fetcher(Duration.ofSeconds(10)).fetch("video_uri", url("/video.mp4"), 32 << 20));
        assertEquals(video.length, media.bytes());
        assertArrayEquals(video, Files.readAllBytes(media.path()));
        assertTrue(media.path().startsWith(dir));
        media.close();
        assertFalse(Files.exists(media.path()));
    }

    @Test
    void exactlyTheLimitIsAllowed() {
        try (TempMedia media = await(fetcher(Duration.ofSeconds(10))
                .fetch("video_uri", url("/video.mp4"), video.length))) {
            assertEquals(video.length, media.bytes());
        }
    }

    @Test
    void httpsIsVerifiedAgainstTheHostNameWhileConnectingToTheCheckedAddress() throws Exception {
        // A self-signed certificate for media.test, made with the JDK's keytool (Vert.x's own needs BouncyCastle).
        Path keystore = dir.resolve("server.p12");
        Path certificate = dir.resolve("server.pem");
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        run(keytool, "-genkeypair", "-alias", "media", "-keyalg", "EC", "-dname", "CN=media.test",
                "-ext", "SAN=dns:media.test", "-validity", "2", "-storetype", "PKCS12", "-keystore",
                keystore.toString(), "-storepass", "changeit");
        run(keytool, "-exportcert", "-rfc", "-alias", "media", "-keystore", keystore.toString(), "-storepass",
                "changeit", "-file", certificate.toString());
        io.vertx.core.net.PemTrustOptions trust = new io.vertx.core.net.PemTrustOptions()
                .addCertValue(Buffer.buffer(Files.readAllBytes(certificate)));
        Files.delete(certificate);
        HttpServer tls = vertx.createHttpServer(new io.vertx.core.http.HttpServerOptions()
                        .setSsl(true).setKeyCertOptions(new io.vertx.core.net.PfxOptions()
                                .setValue(Buffer.buffer(Files.readAllBytes(keystore))).setPassword("changeit")))
                .requestHandler(request -> request.response().end(Buffer.buffer(video)));
        int tlsPort = tls.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture()
                .get(10, TimeUnit.SECONDS).actualPort();
        try {
            InetAddress loopback = InetAddress.getByName("127.0.0.1");
            MediaFetcher fetcher = new MediaFetcher(vertx, new MediaUris(), Duration.ofSeconds(10), true,
                    host -> new InetAddress[] {loopback}, dir, trust);
            try (TempMedia media = await(fetcher.fetch("video_uri", "https://media.test:" + tlsPort + "/v.mp4",
                    1 << 20))) {
                assertEquals(video.length, media.bytes());
            }
            ApiException wrongName = failure(fetcher.fetch("video_uri", "https://other.test:" + tlsPort + "/v.mp4",
                    1 << 20));
            assertEquals("video_uri could not be fetched (TLS error)", wrongName.getMessage());
            MediaFetcher jdkTrust = new MediaFetcher(vertx, new MediaUris(), Duration.ofSeconds(10), true,
                    host -> new InetAddress[] {loopback}, dir);
            ApiException untrusted = failure(jdkTrust.fetch("video_uri", "https://media.test:" + tlsPort + "/v.mp4",
                    1 << 20));
            assertEquals("video_uri could not be fetched (TLS error)", untrusted.getMessage());
        } finally {
            tls.close();
            Files.delete(keystore);
        }
    }

    private static void run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertEquals(0, process.waitFor(), output);
    }

    @Test
    void aNon2xxAnswerIsA400WithItsStatus() {
        ApiException e = failure(fetcher(Duration.ofSeconds(10)).fetch("video_uri", url("/missing"), 1000));
        assertEquals(400, e.status());
        assertEquals("video_uri could not be fetched (HTTP 404)", e.getMessage());
    }

    @Test
    void aDeclaredLengthOverTheLimitIsA413AtOnce() {
        ApiException e = failure(fetcher(Duration.ofSeconds(10)).fetch("video_uri", url("/declared-large"), 10_000));
        assertEquals(413, e.status());
    }

    @Test
    void aChunkedBodyOverTheLimitIsA413AndTheDownloadStops() {
        streamedBytes.set(0);
        ApiException e = failure(fetcher(Duration.ofSeconds(10)).fetch("audio_uri", url("/chunked-large"), 20_000));
        assertEquals(413, e.status());
        long sent = streamedBytes.get();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(300);
        while (System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertTrue(streamedBytes.get() < 1_000_000, "the server stopped sending once the connection was reset");
        assertTrue(streamedBytes.get() - sent < 200_000, "no more than a few buffers after the reset");
    }

    @Test
    void aServerThatDoesNotAnswerInTimeIsA400() {
        long start = System.nanoTime();
        ApiException e = failure(fetcher(Duration.ofMillis(300)).fetch("video_uri", url("/slow"), 1000));
        assertEquals(400, e.status());
        assertEquals("video_uri could not be fetched in time", e.getMessage());
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5));
    }

    @Test
    void followsAFewRedirects() {
        for (String path : new String[] {"/redirect", "/redirect-absolute"}) {
            try (TempMedia media = await(fetcher(Duration.ofSeconds(10)).fetch("video_uri", url(path), 32 << 20))) {
                assertEquals(video.length, media.bytes());
            }
        }
    }

    @Test
    void aRedirectLoopIsA400() {
        int before = requests.get();
        ApiException e = failure(fetcher(Duration.ofSeconds(10)).fetch("video_uri", url("/loop"), 1000));
        assertEquals("video_uri could not be fetched (too many redirects)", e.getMessage());
        assertEquals(MediaLimits.MAX_REDIRECTS + 1, requests.get() - before);
    }

    @Test
    void aRedirectIsCheckedLikeTheOriginalUrl() {
        ApiException e = failure(fetcher(Duration.ofSeconds(10)).fetch("video_uri", url("/redirect-ftp"), 1000));
        assertEquals(400, e.status());
        assertEquals("video_uri must be an http or https URL", e.getMessage());
    }

    @Test
    void aRefusedConnectionIsA400() throws IOException {
        int closed;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = socket.getLocalPort();
        }
        ApiException e = failure(fetcher(Duration.ofSeconds(10))
                .fetch("video_uri", "http://127.0.0.1:" + closed + "/x", 1000));
        assertEquals("video_uri could not be fetched (connection failed)", e.getMessage());
    }

    @Test
    void anUnknownHostIsA400() {
        MediaFetcher fetcher = new MediaFetcher(vertx, new MediaUris(), Duration.ofSeconds(10), false,
                host -> {
                    throw new UnknownHostException(host);
                }, dir);
        ApiException e = failure(fetcher.fetch("image_uri", "https://cdn.example.com/a.png", 1000));
        assertEquals("image_uri could not be fetched (unknown host)", e.getMessage());
    }

    @Test
    void withoutAllowInsecureAHostResolvingToAPrivateAddressIsRefusedBeforeAnyConnection() throws Exception {
        for (String address : new String[] {"127.0.0.1", "10.1.2.3", "192.168.0.10", "169.254.169.254", "::1",
                "fd00::1", "100.64.0.1", "0.0.0.0"}) {
            InetAddress resolved = InetAddress.getByName(address);
            MediaFetcher fetcher = new MediaFetcher(vertx, new MediaUris(), Duration.ofSeconds(10), false,
                    host -> new InetAddress[] {resolved}, dir);
            int before = connections.get();
            // the test server's port: a fetch that went ahead to 127.0.0.1 would open a connection to it
            ApiException e = failure(fetcher.fetch("video_uri", "https://media.example.com:" + port + "/v.mp4", 1000));
            assertEquals("video_uri must name a public host", e.getMessage(), address);
            assertEquals(before, connections.get(), address);
        }
    }

    @Test
    void withoutAllowInsecureHttpAndLocalhostAreRefusedByTheUrlRules() {
        MediaFetcher fetcher = new MediaFetcher(vertx, new MediaUris(), Duration.ofSeconds(10), false,
                InetAddress::getAllByName, dir);
        ApiException e = failure(fetcher.fetch("video_uri", url("/video.mp4"), 1000));
        assertEquals(400, e.status());
        ApiException local = failure(fetcher.fetch("video_uri", "https://localhost:" + port + "/video.mp4", 1000));
        assertEquals("video_uri must name a public DNS host", local.getMessage());
    }

    @Test
    void publicAddressesAreRecognised() throws Exception {
        assertTrue(MediaFetcher.isPublic(InetAddress.getByName("93.184.216.34")));
        assertTrue(MediaFetcher.isPublic(InetAddress.getByName("2606:2800:220:1::1")));
        assertFalse(MediaFetcher.isPublic(InetAddress.getByName("172.16.0.1")));
        assertFalse(MediaFetcher.isPublic(InetAddress.getByName("::ffff:127.0.0.1")));
        assertFalse(MediaFetcher.isPublic(InetAddress.getByName("64:ff9b::a00:1")));
    }
}
