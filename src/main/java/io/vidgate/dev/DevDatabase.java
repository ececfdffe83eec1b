package io.vidgate.dev;

import io.quarkus.arc.profile.IfBuildProfile;
import io.quarkus.runtime.StartupEvent;
import io.vidgate.db.Migrations;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The zero-setup database of `./mvnw quarkus:dev`: a real PostgreSQL (embedded binaries) on a fixed port, with
 * its data kept under target/ between runs. Exists only in the dev build; the production application contains
 * neither this bean nor the embedded binaries (the dependency has provided scope).
 */
@IfBuildProfile("dev")
@ApplicationScoped
public class DevDatabase {

    private static final Logger LOG = Logger.getLogger(DevDatabase.class);
    /** Live reload makes new application classes, so the running database is kept where every reload finds it. */
    private static final String HOLDER = "vidgate.dev.embedded-postgres";

    void start(@Observes @Priority(Migrations.PRIORITY - 10) StartupEvent event,
               @ConfigProperty(name = "vidgate-dev.postgres-port") int port,
               @ConfigProperty(name = "vidgate-dev.postgres-dir") String dir) {
        if (System.getProperties().get(HOLDER) != null) {
            return;
        }
        try {
            Path data = Path.of(dir).toAbsolutePath();
            Files.createDirectories(data.getParent());
            Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir"), "embedded-pg"));
            EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                    .setPort(port)
                    .setDataDirectory(data)
                    .setCleanDataDirectory(false)
                    .start();
            System.getProperties().put(HOLDER, postgres);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> close(postgres)));
            LOG.infof("embedded PostgreSQL for dev mode on port %d, data in %s", port, data);
        } catch (IOException e) {
            throw new UncheckedIOException("could not start the embedded dev PostgreSQL on port " + port, e);
        }
    }

    private static void close(EmbeddedPostgres postgres) {
        try {
            postgres.close();
        } catch (IOException e) {
            LOG.warn("could not stop the embedded dev PostgreSQL", e);
        }
    }
}
