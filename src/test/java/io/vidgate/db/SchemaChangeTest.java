package io.vidgate.db;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.pgclient.PgException;
import io.vidgate.http.DatabaseFailures;
import io.vidgate.lifecycle.JobRow;
import io.vidgate.testing.Api;
import io.vidgate.testing.Queue;
import io.vidgate.testing.QueueTest;
import io.vidgate.testing.TestDatabase;
import io.vidgate.testing.Worker;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A rolling deploy runs the new release's migration while the old pods serve: a column added to a table must not
 * fail the old pods' requests. The pool caches prepared statements per connection, and PostgreSQL refuses to run a
 * cached statement whose result type changed ("cached plan must not change result type"), so no statement may
 * return {@code *} of a table; and if one still meets that error, it is a 503 (the retry succeeds), not a 500.
 */
@QuarkusTest
@QuarkusTestResource(TestDatabase.class)
class SchemaChangeTest extends QueueTest {

    private static final int ROUNDS = 25;

    @Inject
    Pool pool;

    @Test
    void requestsServedBeforeAMigrationAddsColumnsStillSucceedAfterIt() {
        Api.TestAccount account = Api.account(1_000_000, 1000);
        Worker worker = new Worker("schema-change-worker");
        List<String> jobs = new ArrayList<>();
        exercise(account, worker, jobs); // every statement now cached on the connections it ran on
        try {
            Queue.execute("ALTER TABLE jobs ADD COLUMN schema_change_probe integer");
            Queue.execute("ALTER TABLE ledger_entries ADD COLUMN schema_change_probe integer");
            Queue.execute("ALTER TABLE accounts ADD COLUMN schema_change_probe integer");
            exercise(account, worker, jobs);
        } finally {
            Queue.execute("ALTER TABLE jobs DROP COLUMN IF EXISTS schema_change_probe");
            Queue.execute("ALTER TABLE ledger_entries DROP COLUMN IF EXISTS schema_change_probe");
            Queue.execute("ALTER TABLE accounts DROP COLUMN IF EXISTS schema_change_probe");
        }
        exercise(account, worker, jobs);
    }

    @Test
    void wholeRowStatementsNameEveryColumnOfJobs() throws Exception {
        List<String> columns = new ArrayList<>();
        try (Connection c = TestDatabase.connect(); ResultSet rows = c.createStatement().executeQuery(
                "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema()"
                        + " AND table_name = 'jobs' ORDER BY ordinal_position")) {
            while (rows.next()) {
                columns.add(rows.getString(1));
            }
        }
        assertEquals(String.join(", ", columns), JobRow.COLUMNS, "a migration changed jobs: update JobRow.COLUMNS");
    }

    /** Create, poll, list, cancel, lease, complete, grant, ledger, webhooks: each one several times. */
    private void exercise(Api.TestAccount account, Worker worker, List<String> jobs) {
        for (int i = 0; i < ROUNDS; i++) {
            String id = account.json().body(Api.T2V_BODY).post("/v2/text-to-video").then().statusCode(202)
                    .extract().path("id");
            jobs.add(id);
            account.as().get("/v2/jobs/" + id).then().statusCode(200).body("id", equalTo(id));
            account.as().get("/v2/text-to-video/" + id).then().statusCode(200);
            account.as().get("/v2/jobs").then().statusCode(200);
            account.as().get("/v2/balance").then().statusCode(200);
            account.as().get("/v2/ledger").then().statusCode(200);
            Api.admin().get("/admin/accounts/" + account.id()).then().statusCode(200);
        }
        for (int i = 0; i < 5; i++) {
            account.as().post("/v2/jobs/" + jobs.remove(jobs.size() - 1) + "/cancel").then().statusCode(200);
            List<String> leased = worker.leaseOne();
            worker.heartbeat(leased.get(0), leased.get(1), 50).statusCode(200);
            worker.complete(leased.get(0), leased.get(1)).statusCode(200);
            Api.grant(account.id(), 10);
        }
        Queue.drain(sweepers);
        jobs.clear();
    }

    @Test
    void aCachedStatementWhoseResultTypeChangedIsAnUnavailableDatabaseNotABug() {
        Queue.execute("CREATE TABLE IF NOT EXISTS stale_plan_probe (id integer)");
        String select = "SELECT * FROM stale_plan_probe";
        AtomicReference<Throwable> failure = new AtomicReference<>();
        try {
            int columnsAfterwards = pool.withConnection(connection -> connection.preparedQuery(select).execute()
                            .chain(() -> connection.query("ALTER TABLE stale_plan_probe ADD COLUMN extra integer")
                                    .execute())
                            .chain(() -> connection.preparedQuery(select).execute()
                                    .onFailure().recoverWithItem(e -> {
                                        failure.set(e);
                                        return null;
                                    }))
                            // the same connection, the same SQL: the pool dropped the stale statement
                            .chain(() -> connection.preparedQuery(select).execute()))
                    .await().atMost(Duration.ofSeconds(10)).columnsNames().size();
            assertInstanceOf(PgException.class, failure.get(), "the cached statement did not fail: " + failure.get());
            assertTrue(DatabaseFailures.isUnavailable(failure.get()), "answered as a bug (500): " + failure.get());
            assertEquals(2, columnsAfterwards);
        } finally {
            Queue.execute("DROP TABLE IF EXISTS stale_plan_probe");
        }
    }

    @Test
    void otherFeatureNotSupportedErrorsStayBugs() {
        Throwable failure = assertThrows(Throwable.class, () -> pool.query("SELECT count(*) FROM accounts FOR UPDATE")
                .execute().await().atMost(Duration.ofSeconds(10)));
        assertEquals("0A000", assertInstanceOf(PgException.class, failure).getSqlState());
        assertFalse(DatabaseFailures.isUnavailable(failure), "a bug answered as 503: " + failure);
    }
}
