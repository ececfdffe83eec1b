package io.vidgate.reliability;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vidgate.testing.Api;
import io.vidgate.testing.Invariants;
import io.vidgate.testing.Invariants.Violation;
import io.vidgate.testing.TestDatabase;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The invariant checker can fail: each rule is run against crafted rows that break it. The rows live in temporary
 * tables that shadow the real ones on this test's own connection only (no constraint or trigger of the real schema
 * is disabled, and nothing the service sees is touched).
 */
@QuarkusTest
@QuarkusTestResource(TestDatabase.class)
class InvariantsTest {

    private static final String ACCOUNT = "00000000-0000-0000-0000-00000000000a";
    private static final String JOB = "00000000-0000-0000-0000-0000000000b1";

    @Test
    void theRealDatabaseSatisfiesEveryRule() {
        Api.TestAccount account = Api.account(500, 2);
        account.json().body(Api.T2V_BODY).post("/v2/text-to-video").then().statusCode(202);
        assertEquals(List.of(), Invariants.check());
    }

    @Test
    void aConsistentCraftedLedgerSatisfiesEveryRule() throws SQLException {
        assertEquals(Set.of(), brokenRules(""));
    }

    @Test
    void aNegativeBalanceIsReported() throws SQLException {
        assertTrue(brokenRules("UPDATE accounts SET available = -1, credited = 63")
                .contains("no_overdraft"));
        assertTrue(brokenRules("UPDATE ledger_entries SET available_after = -5 WHERE kind = 'reserve'")
                .contains("no_overdraft"));
    }

    @Test
    void aBalanceThatIsNotItsLedgerIsReported() throws SQLException {
        assertEquals(Set.of("ledger_equals_balance", "system_conservation"),
                brokenRules("UPDATE accounts SET available = available + 1, credited = credited + 1"));
        assertEquals(Set.of("ledger_equals_balance"), brokenRules("UPDATE accounts SET active_jobs = 0"));
    }

    @Test
    void creditsMintedOutsideAnyAccountAreReported() throws SQLException {
        assertEquals(Set.of("system_conservation"), brokenRules("""
                INSERT INTO ledger_entries (id, seq, account_id, kind, amount, reserved_delta, charged_delta,
                                            available_after, reserved_after)
                VALUES (gen_random_uuid(), 9, gen_random_uuid(), 'grant', 5, 0, 0, 5, 0)"""));
    }

    @Test
    void aHoldThatEndedTwiceOrNeverIsReported() throws SQLException {
        String secondEnd = """
                INSERT INTO ledger_entries (id, seq, account_id, kind, amount, reserved_delta, charged_delta,
                                            available_after, reserved_after, job_id)
                VALUES (gen_random_uuid(), %d, '%s', 'release', 64, -64, 0, 100, 0, '%s')""";
        String finish = "UPDATE jobs SET status = 'cancelled', credits_reserved = 0, credits_refunded = 64,"
                + " completed_at = now(); UPDATE accounts SET available = 100, reserved = 0, active_jobs = 0;";
        // Ended once: consistent.
        assertEquals(Set.of(), brokenRules(finish + secondEnd.formatted(3, ACCOUNT, JOB)));
        // Ended twice.
        assertTrue(brokenRules(finish + secondEnd.formatted(3, ACCOUNT, JOB) + ";" + secondEnd.formatted(4, ACCOUNT, JOB))
                .contains("hold_ended_once"));
        // Finished but never ended.
        assertTrue(brokenRules(
                "UPDATE jobs SET status = 'failed', credits_reserved = 0, credits_refunded = 64, completed_at = now()")
                .contains("hold_ended_once"));
        // Active but already ended.
        assertTrue(brokenRules(secondEnd.formatted(3, ACCOUNT, JOB)).contains("hold_ended_once"));
        // Reserved a different amount than its estimate.
        assertEquals(Set.of("hold_ended_once"), brokenRules("UPDATE jobs SET credits_estimated = 65"));
    }

    @Test
    void anActiveJobPastItsDeadlineIsReported() throws SQLException {
        assertEquals(Set.of(), brokenRules("UPDATE jobs SET deadline_at = now() - interval '5 seconds'"));
        assertEquals(Set.of("no_active_job_past_deadline"),
                brokenRules("UPDATE jobs SET deadline_at = now() - interval '1 hour'"));
    }

    @Test
    void moreActiveJobsThanTheLimitAreReported() throws SQLException {
        assertEquals(Set.of("within_concurrency_limit"), brokenRules("UPDATE accounts SET concurrency_limit = 0"));
    }

    /**
     * One account (credited 100) with one pending job holding 64, in temporary tables; then {@code corruption}
     * is applied and the checker runs. The names of the rules it reports.
     */
    private static Set<String> brokenRules(String corruption) throws SQLException {
        try (Connection c = TestDatabase.connect(); Statement s = c.createStatement()) {
            s.execute("""
                    CREATE TEMP TABLE accounts (LIKE public.accounts INCLUDING DEFAULTS);
                    CREATE TEMP TABLE jobs (LIKE public.jobs INCLUDING DEFAULTS);
                    CREATE TEMP TABLE ledger_entries (LIKE public.ledger_entries INCLUDING DEFAULTS);
                    INSERT INTO accounts (id, name, concurrency_limit, rate_limit_per_minute, webhook_secret,
                                          available, reserved, charged, credited, active_jobs)
                    VALUES ('%1$s', 'crafted', 1, 600, 'whsec_x', 36, 64, 0, 100, 1);
                    INSERT INTO jobs (id, seq, account_id, type, status, model, duration, resolution, fps,
                                      generate_audio, inputs, credits_estimated, credits_reserved, deadline_at)
                    VALUES ('%2$s', 1, '%1$s', 'text-to-video', 'pending', 'ltx-2-3-pro', 8, '1920x1080', 24, true,
                            '{}', 64, 64, now() + interval '1 hour');
                    INSERT INTO ledger_entries (id, seq, account_id, kind, amount, reserved_delta, charged_delta,
                                                available_after, reserved_after, job_id)
                    VALUES (gen_random_uuid(), 1, '%1$s', 'grant', 100, 0, 0, 100, 0, NULL),
                           (gen_random_uuid(), 2, '%1$s', 'reserve', -64, 64, 0, 36, 64, '%2$s');
                    """.formatted(ACCOUNT, JOB));
            if (!corruption.isBlank()) {
                s.execute(corruption);
            }
            List<Violation> violations = Invariants.check(c);
            return violations.stream().map(Violation::rule).collect(Collectors.toSet());
        }
    }
}
