package io.vidgate.testing;

import io.vidgate.ledger.Conservation;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The conservation check of design.md, straight from the database: for every account the ledger sums to its
 * balances, and over the whole system credits granted = available + reserved + charged. Also checks that each
 * job's hold matches its ledger: one reserve, at most one end, and an end exactly when the job has finished.
 */
public final class Ledger {

    private static final String ACCOUNTS_OUT_OF_BALANCE = Conservation.ACCOUNTS_OUT_OF_BALANCE;

    private static final String JOBS_OUT_OF_BALANCE = """
            SELECT j.id FROM jobs j
             WHERE (SELECT count(*) FROM ledger_entries e WHERE e.job_id = j.id AND e.kind = 'reserve') <> 1
                OR (SELECT count(*) FROM ledger_entries e WHERE e.job_id = j.id AND e.kind IN ('capture', 'release'))
                   <> CASE WHEN j.status IN ('pending', 'processing') THEN 0 ELSE 1 END
                OR j.credits_estimated <> (SELECT -e.amount FROM ledger_entries e
                                            WHERE e.job_id = j.id AND e.kind = 'reserve')""";

    private static final String SYSTEM_TOTALS = """
            SELECT (SELECT coalesce(sum(amount), 0) FROM ledger_entries WHERE kind IN ('grant', 'adjustment')),
                   (SELECT coalesce(sum(available + reserved + charged), 0) FROM accounts)""";

    private Ledger() {
    }

    public static void assertConserved() {
        try (Connection c = TestDatabase.connect(); Statement s = c.createStatement()) {
            assertEquals(List.of(), ids(s, ACCOUNTS_OUT_OF_BALANCE), "accounts whose balance is not their ledger");
            assertEquals(List.of(), ids(s, JOBS_OUT_OF_BALANCE), "jobs whose hold does not match the ledger");
            try (ResultSet rs = s.executeQuery(SYSTEM_TOTALS)) {
                rs.next();
                assertEquals(rs.getLong(1), rs.getLong(2), "granted = available + reserved + charged");
            }
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
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

    private static List<String> ids(Statement s, String sql) throws SQLException {
        List<String> ids = new ArrayList<>();
        try (ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                ids.add(rs.getString(1));
            }
        }
        return ids;
    }
}
