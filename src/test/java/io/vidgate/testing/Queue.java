package io.vidgate.testing;


import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/**
 * Test isolation for the shared queue: workers lease the oldest pending job of ANY account, so a worker test
 * first ends every job other tests left active. It does so the way production does, through the expiry sweeper
 * (the deadline is moved into the past), so every hold is released through the ledger.
 */
public final class Queue {

    private Queue() {
    }

    public static void drain(Sweepers sweepers) {
        execute("UPDATE jobs SET deadline_at = now() - interval '1 second' WHERE status IN ('pending', 'processing')");
        while (sweepers.sweepOnce().await().atMost(Duration.ofSeconds(30)) > 0) {
            // keep sweeping until nothing is left
        }
    }

    /** Makes a job's lease look expired, as if its worker had stopped heartbeating long ago. */
    public static void expireLease(String jobId) {
        execute("UPDATE jobs SET lease_expires_at = now() - interval '1 second' WHERE id = '" + jobId + "'");
    }

    public static void pastDeadline(String jobId) {
        execute("UPDATE jobs SET deadline_at = now() - interval '1 second' WHERE id = '" + jobId + "'");
    }

    public static void execute(String sql) {
        try (Connection c = TestDatabase.connect(); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }
}
