package io.vidgate.http;

import io.vertx.core.VertxException;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;
import org.eclipse.microprofile.faulttolerance.exceptions.BulkheadException;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException;

import java.io.IOException;
import java.util.Set;

/**
 * Tells "the database is unavailable" (answer 503, the client may retry) from a bug (answer 500). Walks the
 * cause chain, because Hibernate Reactive and Mutiny wrap the driver's exceptions.
 */
public final class DatabaseFailures {

    /** SQLSTATE classes of a database that is down, restarting, overloaded or cancelling us. */
    private static final Set<String> UNAVAILABLE_CLASSES = Set.of("08", "53", "57", "40");

    private DatabaseFailures() {
    }

    /**
     * A cached prepared statement whose result type a migration changed under it ("cached plan must not change
     * result type", told by SQLSTATE and PostgreSQL's routine name, which no locale translates). The pool drops the
     * statement on this error and prepares it again on the next use, so the client's retry succeeds: 503, not 500.
     */
    static boolean isStalePlan(PgException pg) {
        return "0A000".equals(pg.getSqlState()) && "RevalidateCachedQuery".equals(pg.getRoutine());
    }

    public static boolean isUnavailable(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof TimeoutException || t instanceof CircuitBreakerOpenException
                    || t instanceof BulkheadException || t instanceof ClosedConnectionException
                    || t instanceof IOException || t instanceof java.util.concurrent.TimeoutException) {
                return true;
            }
            if (t instanceof PgException pg && pg.getSqlState() != null
                    && (UNAVAILABLE_CLASSES.contains(pg.getSqlState().substring(0, 2)) || isStalePlan(pg))) {
                return true;
            }
            if (t.getClass().getSimpleName().contains("TooBusy")) {
                return true; // the pool's wait queue is full: shed at once
            }
            if (t instanceof VertxException && t.getMessage() != null
                    && (t.getMessage().contains("Connection refused") || t.getMessage().contains("Timeout")
                    || t.getMessage().contains("closed") || t.getMessage().contains("Pool"))) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }
}
