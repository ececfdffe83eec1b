package io.vidgate.testing;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** Ledger assertions for the tests: the whole invariant checker ({@link Invariants}), and single numbers. */
public final class Ledger {

    private Ledger() {
    }

    /** Every invariant of docs/design.md holds right now (see {@link Invariants}). */
    public static void assertConserved() {
        Invariants.assertHold();
    }

    public static long scalar(String sql) {
        try (Connection c = TestDatabase.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }
}
