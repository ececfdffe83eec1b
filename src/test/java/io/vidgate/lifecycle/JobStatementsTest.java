package io.vidgate.lifecycle;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vidgate.testing.Api;
import io.vidgate.testing.Queue;
import io.vidgate.testing.QueueTest;
import io.vidgate.testing.TestDatabase;
import io.vidgate.testing.Worker;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The agents' release statements end ONE job per execution: each names one target (LIMIT 1 ... SKIP LOCKED) and
 * writes one ledger entry under one id, so a statement that ended two jobs fails on the entry's primary key. A full
 * run under load saw exactly that (a duplicate ledger id from the agents) while the target was a subquery joined in
 * UPDATE ... FROM, which the planner may scan again per row of jobs; it is now a MATERIALIZED CTE. These tests run
 * the statements until nothing is left, racing the agents (every second in tests); the planner's choice was not
 * reproduced on demand here, so they guard the statements' shape (one target, one entry) rather than that plan.
 */
@QuarkusTest
@QuarkusTestResource(TestDatabase.class)
class JobStatementsTest extends QueueTest {

    private static final Map<String, Object> ERROR = Map.of("type", "api_error", "message", "test");
    private static final Duration WAIT = Duration.ofSeconds(10);

    @Inject
    Pool pool;

    @Test
    void releaseExpiredEndsOneJobPerStatementWhileTheAgentsRunToo() {
        List<String> jobs = jobs(12);
        jobs.forEach(Queue::pastDeadline);
        analyze();
        int ended = 0;
        while (JobStatements.releaseExpired(pool, Duration.ofHours(1), ERROR).await().atMost(WAIT) != null) {
            ended++; // a statement that ended two jobs would have failed on the ledger entry's id
        }
        assertTrue(ended <= jobs.size());
        assertEndedOnceEach(jobs);
    }

    @Test
    void releaseLastAttemptEndsOneJobPerStatementWhileTheAgentsRunToo() {
        List<String> jobs = jobs(12);
        new Worker("statements-" + UUID.randomUUID()).lease(jobs.size()).statusCode(200);
        jobs.forEach(Queue::expireLease);
        analyze();
        int ended = 0;
        while (JobStatements.releaseLastAttempt(pool, 1, ERROR).await().atMost(WAIT) != null) {
            ended++;
        }
        assertTrue(ended <= jobs.size());
        assertEndedOnceEach(jobs);
    }

    /** Every job failed, with exactly one release entry (by these statements or by the agents, every second). */
    private static void assertEndedOnceEach(List<String> jobs) {
        String ids = "'{" + String.join(",", jobs) + "}'";
        assertEquals(jobs.size(), count("SELECT count(*) FROM jobs WHERE status = 'failed' AND id = ANY(" + ids + ")"));
        assertEquals(jobs.size(), count("SELECT count(*) FROM ledger_entries WHERE kind = 'release' AND job_id = ANY("
                + ids + ")"));
    }

    private static List<String> jobs(int count) {
        Api.TestAccount account = Api.account(count * Api.T2V_COST, count);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ids.add(account.json().body(Api.T2V_BODY).post("/v2/text-to-video").then().statusCode(202).extract().path("id"));
        }
        return ids;
    }

    /** Fresh statistics, as autovacuum would have them on a busy table: the planner's choice of join follows them. */
    private static void analyze() {
        Queue.execute("ANALYZE jobs");
    }

    private static long count(String sql) {
        try (Connection c = TestDatabase.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (java.sql.SQLException e) {
            throw new AssertionError(e);
        }
    }
}
