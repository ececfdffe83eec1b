package io.vidgate.uploads;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/**
 * A real S3-compatible server for the tests, without Docker: moto's server mode (Python, {@code pip install
 * "moto[server]"}), started as a separate process on a free port. {@link #start()} answers null when it is not
 * installed, and the S3 tests are then skipped.
 */
final class MotoS3 implements AutoCloseable {

    static final String BUCKET = "vidgate-uploads";
    private final Process process;
    private final int port;

    private MotoS3(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    static MotoS3 start() {
        try {
            Process probe = new ProcessBuilder("python3", "-c", "import moto.server, flask, flask_cors")
                    .redirectErrorStream(true).start();
            if (probe.waitFor() != 0) {
                return null;
            }
            int port;
            try (ServerSocket socket = new ServerSocket(0)) {
                port = socket.getLocalPort();
            }
            Path log = Files.createTempFile("moto-s3", ".log");
            Process process = new ProcessBuilder("python3", "-m", "moto.server", "-H", "127.0.0.1", "-p",
                    String.valueOf(port)).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            Runtime.getRuntime().addShutdownHook(new Thread(process::destroy));
            Instant deadline = Instant.now().plusSeconds(30);
            while (true) {
                try (Socket ignored = new Socket("127.0.0.1", port)) {
                    break;
                } catch (IOException notYet) {
                    if (Instant.now().isAfter(deadline) || !process.isAlive()) {
                        process.destroy();
                        throw new IllegalStateException("moto did not start: " + Files.readString(log));
                    }
                    Thread.sleep(100);
                }
            }
            MotoS3 moto = new MotoS3(process, port);
            moto.createBucket();
            return moto;
        } catch (IOException e) {
            return null; // no python3
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    /** Status of a signed GET of the object of this upload, made without the code under test's HTTP client. */
    int objectStatus(java.util.UUID id) throws Exception {
        String path = "/" + BUCKET + "/uploads/" + id;
        Instant now = Instant.now();
        java.util.Map<String, String> headers = java.util.Map.of("host", "127.0.0.1:" + port,
                "x-amz-date", SigV4.amzDate(now), "x-amz-content-sha256", SigV4.EMPTY_SHA256);
        String authorization = new SigV4("test-access-key", "test-secret-key", "us-east-1", "s3")
                .authorization("GET", path, java.util.Map.of(), headers, SigV4.EMPTY_SHA256, now);
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(endpoint() + path))
                        .header("x-amz-date", headers.get("x-amz-date"))
                        .header("x-amz-content-sha256", SigV4.EMPTY_SHA256)
                        .header("Authorization", authorization)
                        .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    private void createBucket() throws IOException, InterruptedException {
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(endpoint() + "/" + BUCKET)).PUT(HttpRequest.BodyPublishers.noBody())
                        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("moto: create bucket answered " + response.statusCode() + " " + response.body());
        }
    }

    @Override
    public void close() {
        process.destroy();
    }
}
