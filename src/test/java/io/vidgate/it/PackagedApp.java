package io.vidgate.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The packaged application (target/quarkus-app/quarkus-run.jar, prod profile) as a separate process, for the
 * black-box integration tests: {@code java -jar} with a given environment, its output in target/it-logs/, ready
 * when GET /q/health/ready answers 200. Plus the few admin calls the ITs need, over java.net.http.
 */
public final class PackagedApp implements AutoCloseable {

    public static final Path APP_DIR = Path.of("target", "quarkus-app").toAbsolutePath();
    public static final Path JAR = APP_DIR.resolve("quarkus-run.jar");
    public static final String ADMIN_TOKEN = "it-admin-token";
    public static final String WORKER_TOKEN = "it-worker-token";
    public static final String UPLOADS_SIGNING_KEY = "it-uploads-signing-key-0123456789abcdef";
    public static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    public static final Duration STOP_GRACE = Duration.ofSeconds(10);

    private static final ObjectMapper JSON = new ObjectMapper();
    /** HTTP/1.1: no h2c upgrade attempts in the way of what is tested. */
    public static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    /** Every process still running, stopped by a shutdown hook if a test JVM ends without closing them. */
    private static final Set<Process> RUNNING = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> RUNNING.forEach(Process::destroyForcibly)));
    }

    private final String name;
    private final int port;
    private final Process process;
    private final Path log;

    private PackagedApp(String name, int port, Process process, Path log) {
        this.name = name;
        this.port = port;
        this.process = process;
        this.log = log;
    }

    /** Everything the packaged application needs, for a database listening on {@code databasePort}. */
    public static Map<String, String> environment(int httpPort, int databasePort) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("QUARKUS_HTTP_PORT", String.valueOf(httpPort));
        env.put("QUARKUS_DATASOURCE_REACTIVE_URL", "postgresql://localhost:" + databasePort + "/postgres");
        env.put("QUARKUS_DATASOURCE_JDBC_URL", "jdbc:postgresql://localhost:" + databasePort + "/postgres");
        env.put("QUARKUS_DATASOURCE_USERNAME", "postgres");
        env.put("QUARKUS_DATASOURCE_PASSWORD", "postgres");
        env.put("VIDGATE_ADMIN_TOKEN", ADMIN_TOKEN);
        env.put("VIDGATE_WORKER_TOKEN", WORKER_TOKEN);
        env.put("VIDGATE_UPLOADS_SIGNING_KEY", UPLOADS_SIGNING_KEY);
        return env;
    }

    /**
     * Starts {@code java -jar target/quarkus-app/quarkus-run.jar} with exactly the given QUARKUS_ and VIDGATE_
     * variables (any inherited ones are removed), and returns at once. The port is read from QUARKUS_HTTP_PORT.
     * The working directory is a fresh one under target/, so no .env or config/ of the project is picked up.
     */
    /**
     * The native executable when the build made one (`./mvnw verify -Dnative` sets native.image.path), otherwise
     * the JVM application.
     */
    static List<String> command() {
        String nativeImage = System.getProperty("native.image.path");
        if (nativeImage != null && !nativeImage.isBlank()) {
            Path executable = Path.of(nativeImage).toAbsolutePath();
            if (!Files.isExecutable(executable)) {
                throw new IllegalStateException(executable + " is not an executable: build with ./mvnw verify -Dnative");
            }
            return List.of(executable.toString());
        }
        if (!Files.isRegularFile(JAR)) {
            throw new IllegalStateException(JAR + " does not exist: run the ITs with `./mvnw verify` (after package)");
        }
        return List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", JAR.toString());
    }

    public static PackagedApp start(String name, Map<String, String> env) {
        List<String> command = command();
        try {
            Path logs = Files.createDirectories(Path.of("target", "it-logs").toAbsolutePath());
            Path workDir = Files.createDirectories(Path.of("target", "it-work", name).toAbsolutePath());
            Path log = logs.resolve(name + ".log");
            ProcessBuilder builder = new ProcessBuilder(command)
                    .directory(workDir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.to(log.toFile()));
            builder.environment().keySet().removeIf(k -> k.startsWith("QUARKUS_") || k.startsWith("VIDGATE_")
                    || k.startsWith("SMALLRYE_") || k.startsWith("MP_"));
            builder.environment().putAll(env);
            int port = Integer.parseInt(env.getOrDefault("QUARKUS_HTTP_PORT", "8080"));
            Process process = builder.start();
            RUNNING.add(process);
            return new PackagedApp(name, port, process, log);
        } catch (IOException e) {
            throw new UncheckedIOException("could not start " + name, e);
        }
    }

    /** Starts the application and waits until it is ready; fails the test (with its output) when it is not. */
    public static PackagedApp startReady(String name, Map<String, String> env) {
        PackagedApp app = start(name, env);
        app.awaitReady();
        return app;
    }

    /** Waits until GET /q/health/ready answers 200; fails if the process exits first or after 60 s. */
    public PackagedApp awaitReady() {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        HttpRequest ready = HttpRequest.newBuilder(uri("/q/health/ready")).timeout(Duration.ofSeconds(2)).build();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError(name + " exited with " + process.exitValue() + " before it was ready:\n"
                        + outputTail());
            }
            try {
                if (HTTP.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return this;
                }
            } catch (IOException notYetListening) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
            sleep(Duration.ofMillis(200));
        }
        close();
        throw new AssertionError(name + " was not ready within " + READY_TIMEOUT.toSeconds() + " s:\n" + outputTail());
    }

    /** Waits for the process to end and returns its exit code; fails (and stops it) if it is still running. */
    public int awaitExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                close();
                throw new AssertionError(name + " was still running after " + timeout.toSeconds() + " s:\n"
                        + outputTail());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
        RUNNING.remove(process);
        return process.exitValue();
    }

    /**
     * Sends SIGTERM, as Kubernetes does to a pod it stops, and returns at once: the graceful shutdown begins
     * (readiness DOWN, then in-flight requests finish). Follow with {@link #awaitExit(Duration)}.
     */
    public void terminate() {
        process.destroy();
    }

    /** Stops the process: SIGTERM (a graceful shutdown, readiness DOWN first), and after 10 s SIGKILL. */
    @Override
    public void close() {
        try {
            if (process.isAlive()) {
                process.destroy();
                if (!process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly().waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        } finally {
            RUNNING.remove(process);
        }
    }

    /** Stops several instances at once (each may take its graceful shutdown delay): SIGTERM to all, then waits. */
    public static void closeAll(PackagedApp... apps) {
        for (PackagedApp app : apps) {
            if (app != null && app.process.isAlive()) {
                app.process.destroy();
            }
        }
        for (PackagedApp app : apps) {
            if (app != null) {
                app.close();
            }
        }
    }

    public String name() {
        return name;
    }

    public int port() {
        return port;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Everything the process wrote so far (stdout and stderr). */
    public String output() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String outputTail() {
        String out = output();
        return out.length() > 8000 ? "...\n" + out.substring(out.length() - 8000) : out;
    }

    // ---- HTTP ------------------------------------------------------------------------------------------------

    public URI uri(String path) {
        return URI.create("http://localhost:" + port + path);
    }

    /** A request to this instance, with a bearer token when {@code token} is not null. */
    public HttpRequest.Builder request(String path, String token) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(20));
        return token == null ? builder : builder.header("Authorization", "Bearer " + token);
    }

    public HttpResponse<String> get(String path, String token) {
        return send(request(path, token).GET().build());
    }

    public HttpResponse<String> post(String path, String token, String json) {
        return send(request(path, token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    public HttpResponse<String> delete(String path, String token) {
        return send(request(path, token).DELETE().build());
    }

    public static HttpResponse<String> send(HttpRequest request) {
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(request.method() + " " + request.uri(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    public static JsonNode json(HttpResponse<String> response) {
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new AssertionError("not JSON (" + response.statusCode() + "): " + response.body(), e);
        }
    }

    public static String toJson(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A response with the expected status, or an AssertionError that shows the body. */
    public static HttpResponse<String> expect(int status, HttpResponse<String> response) {
        if (response.statusCode() != status) {
            throw new AssertionError(response.request().method() + " " + response.request().uri() + ": expected "
                    + status + " but was " + response.statusCode() + ": " + response.body());
        }
        return response;
    }

    // ---- Admin fixtures ----------------------------------------------------------------------------------------

    /** POST /admin/accounts with these fields; returns the account id. */
    public String createAccount(Map<String, Object> fields) {
        return json(expect(201, post("/admin/accounts", ADMIN_TOKEN, toJson(fields)))).get("id").asText();
    }

    public void grant(String accountId, long amount) {
        expect(201, post("/admin/accounts/" + accountId + "/credits", ADMIN_TOKEN, toJson(Map.of("amount", amount))));
    }

    /** A new API key of the account; returns the plaintext key. */
    public String issueKey(String accountId) {
        return json(expect(201, post("/admin/accounts/" + accountId + "/api-keys", ADMIN_TOKEN, "{\"name\":\"it\"}")))
                .get("key").asText();
    }

    /** An account with these fields, {@code credits} credits and one API key; returns the key. */
    public record Account(String id, String key) {
    }

    public Account account(Map<String, Object> fields, long credits) {
        String id = createAccount(fields);
        if (credits != 0) {
            grant(id, credits);
        }
        return new Account(id, issueKey(id));
    }

    // ---- Helpers ---------------------------------------------------------------------------------------------

    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** The jars of the packaged application (lib/boot, lib/main, ...). */
    public static List<Path> libraryJars() {
        try (var files = Files.walk(APP_DIR.resolve("lib"))) {
            return files.filter(p -> p.getFileName().toString().endsWith(".jar")).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A real PostgreSQL (embedded binaries) for one IT class: its own port and a throw-away data directory. */
    public static final class Database implements AutoCloseable {

        private final EmbeddedPostgres postgres;
        private final int port;

        private Database(EmbeddedPostgres postgres, int port) {
            this.postgres = postgres;
            this.port = port;
        }

        public static Database start() {
            int port = freePort();
            try {
                Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir"), "embedded-pg"));
                return new Database(EmbeddedPostgres.builder().setPort(port).start(), port);
            } catch (IOException e) {
                throw new UncheckedIOException("could not start the embedded PostgreSQL on port " + port, e);
            }
        }

        public int port() {
            return port;
        }

        @Override
        public void close() {
            try {
                postgres.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
