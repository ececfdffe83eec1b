package io.vidgate.testing;

import io.vidgate.ledger.Conservation;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The invariant checker: every rule of docs/design.md that the database state can prove, as one SQL query per rule,
 * all read from ONE snapshot (a repeatable-read, read-only transaction), so it may run at any moment, also while
 * the workload is writing. Each query lists the rows that break its rule; the rule holds when the list is empty.
 * <p>
 * The queries use unqualified table names on purpose: a test can shadow {@code accounts}, {@code jobs} and
 * {@code ledger_entries} with temporary tables of crafted rows on its own connection (pg_temp is searched first)
 * and so prove that each rule reports a violation, without touching the real tables or their constraints.
 */
public final class Invariants {

    /** How long an active job may stay past its deadline before the expiry sweeper must have ended it. */
    public static final Duration DEADLINE_GRACE = Duration.ofSeconds(15);

    /** Invariant 1: no balance below zero, on the account row or after any ledger entry. */
    public static final String NO_OVERDRAFT = """
            SELECT id::text, 'available=' || available || ' reserved=' || reserved || ' charged=' || charged
              FROM accounts WHERE available < 0 OR reserved < 0 OR charged < 0
            UNION ALL
            SELECT id::text, 'ledger entry leaves available_after=' || available_after
                   || ' reserved_after=' || reserved_after
              FROM ledger_entries WHERE available_after < 0 OR reserved_after < 0""";

    /** Invariant 2, per account: the balance columns (and the active-job counter) are the sums of its ledger. */
    public static final String LEDGER_EQUALS_BALANCE =
            "SELECT id::text, 'balance is not the sum of its ledger' FROM (" + Conservation.ACCOUNTS_OUT_OF_BALANCE
                    + ") out_of_balance";

    /** Invariant 2, for the whole system: credits granted = available + reserved + charged. */
    public static final String SYSTEM_CONSERVATION = """
            SELECT 'system', 'granted ' || granted || ' <> available + reserved + charged ' || held
              FROM (SELECT (SELECT coalesce(sum(amount), 0) FROM ledger_entries
                             WHERE kind IN ('grant', 'adjustment')) AS granted,
                           (SELECT coalesce(sum(available + reserved + charged), 0) FROM accounts) AS held) t
             WHERE granted <> held""";

    /**
     * Invariant 3 (and 5): every job has exactly one reserve of its estimate; an active job's hold has not ended;
     * a finished job's hold ended exactly once, and that end moved exactly the job's charged and refunded credits.
     */
    public static final String HOLD_ENDED_ONCE = """
            SELECT j.id::text, j.status || ': ' || coalesce(r.reserves, 0) || ' reserve(s) of ' || coalesce(r.held, 0)
                   || ', ' || coalesce(e.ends, 0) || ' end(s) charging ' || coalesce(e.charged, 0)
                   || ' refunding ' || coalesce(e.refunded, 0)
              FROM jobs j
              LEFT JOIN (SELECT job_id, count(*) AS reserves, sum(-amount) AS held FROM ledger_entries
                          WHERE kind = 'reserve' GROUP BY job_id) r ON r.job_id = j.id
              LEFT JOIN (SELECT job_id, count(*) AS ends, sum(charged_delta) AS charged, sum(amount) AS refunded
                           FROM ledger_entries WHERE kind IN ('capture', 'release') GROUP BY job_id) e
                     ON e.job_id = j.id
             WHERE coalesce(r.reserves, 0) <> 1 OR r.held <> j.credits_estimated
                OR coalesce(e.ends, 0) <> CASE WHEN j.status IN ('pending', 'processing') THEN 0 ELSE 1 END
                OR (j.status NOT IN ('pending', 'processing')
                    AND (e.charged <> j.credits_charged OR e.refunded <> j.credits_refunded))
            UNION ALL
            SELECT e.job_id::text, 'ledger entry for a job that does not exist'
              FROM ledger_entries e WHERE e.job_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM jobs j WHERE j.id = e.job_id)""";

    /** Invariant 3: no job stays active forever; past its deadline the expiry sweeper ends it (within the grace). */
    public static final String NO_ACTIVE_JOB_PAST_DEADLINE = """
            SELECT id::text, status || ' job past its deadline ' || deadline_at
              FROM jobs WHERE status IN ('pending', 'processing') AND deadline_at < now() - make_interval(secs => ?)""";

    /** Invariant 6: active jobs per account never exceed its concurrency limit. */
    public static final String WITHIN_CONCURRENCY_LIMIT = """
            SELECT a.id::text, n.active || ' active jobs, limit ' || a.concurrency_limit
              FROM accounts a
              JOIN (SELECT account_id, count(*) AS active FROM jobs WHERE status IN ('pending', 'processing')
                     GROUP BY account_id) n ON n.account_id = a.id
             WHERE n.active > a.concurrency_limit""";

    public static final Map<String, String> RULES = rules();

    private static final AtomicLong CHECKS_PASSED = new AtomicLong();

    private Invariants() {
    }

    private static Map<String, String> rules() {
        Map<String, String> rules = new LinkedHashMap<>();
        rules.put("no_overdraft", NO_OVERDRAFT);
        rules.put("ledger_equals_balance", LEDGER_EQUALS_BALANCE);
        rules.put("system_conservation", SYSTEM_CONSERVATION);
        rules.put("hold_ended_once", HOLD_ENDED_ONCE);
        rules.put("no_active_job_past_deadline", NO_ACTIVE_JOB_PAST_DEADLINE);
        rules.put("within_concurrency_limit", WITHIN_CONCURRENCY_LIMIT);
        return java.util.Collections.unmodifiableMap(rules);
    }

    /** One broken rule on one subject (an account id, a job id, or "system"). */
    public record Violation(String rule, String subject, String detail) {
        @Override
        public String toString() {
            return rule + " " + subject + ": " + detail;
        }
    }

    /** Checks every rule against the real database; the violations found (empty when all hold). */
    public static List<Violation> check() {
        try (Connection c = TestDatabase.connect()) {
            return check(c);
        } catch (SQLException e) {
            throw new AssertionError("invariant check could not run", e);
        }
    }

    /** Checks every rule on the given connection, in one snapshot; the connection's autocommit is restored. */
    public static List<Violation> check(Connection c) throws SQLException {
        boolean autoCommit = c.getAutoCommit();
        int isolation = c.getTransactionIsolation();
        c.setAutoCommit(false);
        c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
        List<Violation> violations = new ArrayList<>();
        try {
            for (Map.Entry<String, String> rule : RULES.entrySet()) {
                try (PreparedStatement s = c.prepareStatement(rule.getValue())) {
                    if (rule.getValue() == NO_ACTIVE_JOB_PAST_DEADLINE) {
                        s.setLong(1, DEADLINE_GRACE.toSeconds());
                    }
                    try (ResultSet rs = s.executeQuery()) {
                        while (rs.next()) {
                            violations.add(new Violation(rule.getKey(), rs.getString(1), rs.getString(2)));
                        }
                    }
                }
            }
        } finally {
            c.commit();
            c.setTransactionIsolation(isolation);
            c.setAutoCommit(autoCommit);
        }
        return violations;
    }

    /** Fails with every violation unless all rules hold; counts the checks that passed. */
    public static void assertHold() {
        List<Violation> violations = check();
        if (!violations.isEmpty()) {
            throw new AssertionError("invariants violated:\n  " + String.join("\n  ",
                    violations.stream().map(Violation::toString).toList()));
        }
        CHECKS_PASSED.incrementAndGet();
    }

    /** Invariant checks that passed in this JVM (for the reliability report). */
    public static long checksPassed() {
        return CHECKS_PASSED.get();
    }
}
