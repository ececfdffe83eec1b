package io.vidgate.db;

import io.smallrye.faulttolerance.api.Guard;
import io.smallrye.mutiny.Uni;
import io.vidgate.config.VidgateConfig;
import io.vidgate.http.DatabaseFailures;
import io.vidgate.http.Errors;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.util.TypeLiteral;

import java.time.temporal.ChronoUnit;
import java.util.function.Supplier;

/**
 * The outer fault-tolerance layer around every database-backed piece of work (docs/design.md, reactive rules): a
 * timeout of VIDGATE_DB_TIMEOUT and a circuit breaker that opens while the database keeps failing. The work it
 * guards opens its own session or transaction inside, so the guard always wraps the transaction and never the
 * other way round. A timeout does not cancel the work, so every write on this path is idempotent or atomic.
 */
@ApplicationScoped
public class DatabaseGuard {

    public static final String BREAKER_NAME = "database";
    private static final TypeLiteral<Uni<Object>> UNI = new TypeLiteral<>() {
    };

    private final Guard guard;

    DatabaseGuard(VidgateConfig config) {
        this.guard = Guard.create()
                .withDescription("database")
                .withThreadOffload(false)
                .withCircuitBreaker()
                    .name(BREAKER_NAME)
                    .requestVolumeThreshold(20)
                    .failureRatio(0.5)
                    .delay(3, ChronoUnit.SECONDS)
                    .successThreshold(1)
                    .when(DatabaseFailures::isUnavailable)
                    .done()
                .withTimeout()
                    .duration(config.dbTimeout().toMillis(), ChronoUnit.MILLIS)
                    .done()
                .build();
    }

    /** Runs {@code work} under the guard; database unavailability of any kind fails with 503. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public <T> Uni<T> call(Supplier<Uni<T>> work) {
        Uni<T> guarded = (Uni<T>) guard.get((Supplier) work, (TypeLiteral) UNI);
        return guarded.onFailure(DatabaseFailures::isUnavailable).transform(e -> new Errors.Unavailable());
    }
}
