package io.vidgate.db;

import io.quarkus.arc.profile.IfBuildProfile;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.Config;

/**
 * The packaged application refuses to start without a database to talk to. (The admin token is required by
 * {@link io.vidgate.config.VidgateConfig} itself.)
 */
@IfBuildProfile("prod")
@ApplicationScoped
public class ProductionRequirements {

    void check(@Observes @Priority(Migrations.PRIORITY - 50) StartupEvent event, Config config) {
        for (String name : new String[] {"quarkus.datasource.reactive.url", "quarkus.datasource.jdbc.url"}) {
            if (config.getOptionalValue(name, String.class).filter(v -> !v.isBlank()).isEmpty()) {
                throw new IllegalStateException(name + " is not set: point QUARKUS_DATASOURCE_REACTIVE_URL and "
                        + "QUARKUS_DATASOURCE_JDBC_URL at the PostgreSQL database");
            }
        }
    }
}
