package io.vidgate.db;

import io.quarkus.reactive.pg.client.PgPoolCreator;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnectOptions;
import jakarta.inject.Singleton;
import io.vidgate.config.VidgateConfig;

import java.util.ArrayList;
import java.util.List;

/**
 * The application's PostgreSQL pool, as Quarkus configures it, plus a bound on the requests that may wait for a
 * connection (Quarkus has no property for it): past {@code vidgate.db.max-wait-queue} waiting requests, a new one
 * fails at once, which {@link io.vidgate.http.DatabaseFailures} turns into 503, instead of queueing until clients time out.
 */
@Singleton
public class BoundedPool implements PgPoolCreator {

    private final int maxWaitQueue;
    private volatile List<SqlConnectOptions> connectOptions = List.of();

    BoundedPool(VidgateConfig config) {
        this.maxWaitQueue = config.dbPool().maxWaitQueue();
    }

    /** How the pool connects (empty before it was created): for a connection of its own, such as a listener's. */
    public List<SqlConnectOptions> connectOptions() {
        return connectOptions;
    }

    @Override
    public Pool create(Input input) {
        connectOptions = List.copyOf(input.pgConnectOptionsList());
        return PgBuilder.pool()
                .with(input.poolOptions().setMaxWaitQueueSize(maxWaitQueue))
                .connectingTo(new ArrayList<SqlConnectOptions>(input.pgConnectOptionsList()))
                .using(input.vertx())
                .build();
    }
}
