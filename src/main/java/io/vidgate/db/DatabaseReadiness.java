package io.vidgate.db;

import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vidgate.config.VidgateConfig;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready only while the database answers, and DOWN within VIDGATE_DB_TIMEOUT of it stalling (docs/api.md 5). */
@Readiness
@ApplicationScoped
public class DatabaseReadiness implements AsyncHealthCheck {

    private final Pool pool;
    private final VidgateConfig config;

    DatabaseReadiness(Pool pool, VidgateConfig config) {
        this.pool = pool;
        this.config = config;
    }

    @Override
    public Uni<HealthCheckResponse> call() {
        return pool.query("SELECT 1").execute()
                .ifNoItem().after(config.dbTimeout()).fail()
                .map(rows -> HealthCheckResponse.up("database"))
                .onFailure().recoverWithItem(e -> HealthCheckResponse.named("database").down()
                        .withData("reason", e.getClass().getSimpleName()).build());
    }
}
