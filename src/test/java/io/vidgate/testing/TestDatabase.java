package io.vidgate.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Map;

/**
 * A real PostgreSQL for the tests, started by the tests themselves (embedded binaries, no Docker). It keeps one
 * port and data directory for the whole run, so a test can stop it and start it again (database down, then
 * back) and the application reconnects to the same address.
 */
public class TestDatabase implements QuarkusTestResourceLifecycleManager {

    private static EmbeddedPostgres postgres;
    private static int port;
    private static Path dataDir;
    private boolean throughProxy;

    /** Tests run under the {@link ThroughFaultProxy} profile reach the database through the {@link FaultProxy}. */
    @Override
    public void setContext(Context context) {
        throughProxy = ThroughFaultProxy.class.getName().equals(context.testProfile());
    }

    @Override
    public synchronized Map<String, String> start() {
        if (postgres == null) {
            port = freePort();
            try {
                Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir"), "embedded-pg"));
                dataDir = Files.createTempDirectory("vidgate-test-pg");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            startPostgres();
        }
        String reactive = throughProxy ? "127.0.0.1:" + FaultProxy.shared().port() : "localhost:" + port;
        return Map.of(
                "quarkus.datasource.reactive.url", "postgresql://" + reactive + "/postgres",
                "quarkus.datasource.jdbc.url", jdbcUrl(),
                "quarkus.datasource.username", "postgres",
                "quarkus.datasource.password", "postgres");
    }

    @Override
    public void stop() {
        // Kept for the whole JVM: every test class shares one database (and a JVM shutdown hook stops it).
    }

    /** The server's own port (JDBC and the tests always connect here, never through the proxy). */
    public static int port() {
        return port;
    }

    public static String jdbcUrl() {
        return "jdbc:postgresql://localhost:" + port + "/postgres";
    }

    public static Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl(), "postgres", "postgres");
    }

    /**
     * Takes the row lock of an account in an open transaction, as a stalled or saturated database would: every
     * create on that account waits until the returned connection is rolled back or closed.
     */
    public static Connection lockAccount(String accountId) throws SQLException {
        Connection lock = connect();
        lock.setAutoCommit(false);
        try (var hold = lock.prepareStatement("SELECT 1 FROM accounts WHERE id = ? FOR UPDATE")) {
            hold.setObject(1, java.util.UUID.fromString(accountId));
            hold.executeQuery();
        }
        return lock;
    }

    /** Stops the server: every connection drops and new ones are refused. */
    public static synchronized void stopServer() throws IOException {
        postgres.close();
    }

    /** Starts the server again on the same port, with the same data. */
    public static synchronized void restartServer() {
        startPostgres();
    }

    /** Never "clean": zonky would delete the data directory on close, and a restart must find the data again. */
    private static void startPostgres() {
        try {
            postgres = EmbeddedPostgres.builder()
                    .setPort(port)
                    .setDataDirectory(dataDir)
                    .setCleanDataDirectory(false)
                    .setServerConfig("max_connections", "200")
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
