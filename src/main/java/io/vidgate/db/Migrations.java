package io.vidgate.db;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.StartupEvent;
import io.vidgate.config.ProductionRequirements;
import io.vidgate.config.VidgateConfig;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import org.flywaydb.core.Flyway;
import org.jboss.logging.Logger;

/**
 * Runs the Flyway migrations of the top-level migrations/ folder at start (JDBC is used for this only).
 * Started from here rather than by quarkus.flyway.migrate-at-start so that, in dev mode, the embedded database
 * is up first. In a cluster the pods do not migrate (VIDGATE_MIGRATE_AT_START=false); a Job runs the same image
 * once per release with VIDGATE_MIGRATE_ONLY=true, which migrates and exits.
 */
@ApplicationScoped
public class Migrations {

    public static final int PRIORITY = ProductionRequirements.PRIORITY + 50;
    private static final Logger LOG = Logger.getLogger(Migrations.class);

    void migrate(@Observes @Priority(PRIORITY) StartupEvent event, VidgateConfig config, Instance<Flyway> flyway) {
        if (!config.migrateAtStart() && !config.migrateOnly()) {
            return;
        }
        var result = flyway.get().migrate();
        LOG.infof("database schema at version %s (%d migrations applied)",
                result.targetSchemaVersion == null ? "current" : result.targetSchemaVersion, result.migrationsExecuted);
        if (config.migrateOnly()) {
            LOG.info("VIDGATE_MIGRATE_ONLY: migrations done, exiting");
            Quarkus.asyncExit(0);
        }
    }
}
