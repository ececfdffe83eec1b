package io.vidgate.lifecycle;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.subscription.Cancellable;
import io.vidgate.testing.Api;
import io.vidgate.testing.Queue;
import io.vidgate.testing.QueueTest;
import io.vidgate.testing.TestDatabase;
import io.vidgate.testing.Worker;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Waiting for a job's end by notification (docs/design.md, "Waiting for a job"). The safety re-check runs every 30 s
 * in these tests, so an end seen within {@link #NOTIFIED} came by notification, or by the re-read that follows a
 * reconnect of the listener.
 */
@QuarkusTest
@QuarkusTestResource(TestDatabase.class)
class JobEndsTest extends QueueTest {

    /** Far below the 30 s safety re-check, far above a notification's delivery on a loaded test machine. */
    private static final long NOTIFIED = 10;

    @Inject
    JobEnds ends;

    @Test
    void aWaiterWakesWhenItsJobCompletes() throws Exception {
        String id = newJob();
        CompletableFuture<JobRow> ended = await(id);
        Worker worker = new Worker("ends-" + UUID.randomUUID());
        List<String> lease = worker.leaseOne();
        assertFalse(ended.isDone(), "leasing is not an end");
        worker.complete(lease.get(0), lease.get(1)).statusCode(200);
        JobRow job = ended.get(NOTIFIED, TimeUnit.SECONDS);
        assertEquals("completed", job.status());
        assertEquals(0, ends.waiters(), "a woken waiter is forgotten");
    }

    @Test
    void everyKindOfEndWakesItsWaiter() throws Exception {
        String cancelled = newJob();
        CompletableFuture<JobRow> cancelledEnd = await(cancelled);
        Api.TestAccount owner = ownerOf(cancelled);
        owner.json().post("/v2/jobs/" + cancelled + "/cancel").then().statusCode(200);
        assertEquals("cancelled", cancelledEnd.get(NOTIFIED, TimeUnit.SECONDS).status());

        String failed = newJob();
        CompletableFuture<JobRow> failedEnd = await(failed);
        Worker worker = new Worker("ends-" + UUID.randomUUID());
        List<String> lease = worker.leaseOne();
        worker.fail(lease.get(0), lease.get(1), false).statusCode(200);
        assertEquals("failed", failedEnd.get(NOTIFIED, TimeUnit.SECONDS).status());

        String expired = newJob();
        CompletableFuture<JobRow> expiredEnd = await(expired);
        Queue.pastDeadline(expired);
        sweepers.sweepOnce().await().atMost(Duration.ofSeconds(10));
        assertEquals("failed", expiredEnd.get(NOTIFIED, TimeUnit.SECONDS).status());
    }

    @Test
    void aJobThatEndedBeforeTheWaitIsAnsweredAtOnce() throws Exception {
        String id = newJob();
        Worker worker = new Worker("ends-" + UUID.randomUUID());
        List<String> lease = worker.leaseOne();
        worker.complete(lease.get(0), lease.get(1)).statusCode(200);
        assertEquals("completed", await(id).get(NOTIFIED, TimeUnit.SECONDS).status());
    }

    @Test
    void aNotificationLostWhileTheListenerWasDownStillEndsTheWait() throws Exception {
        String id = newJob();
        CompletableFuture<JobRow> ended = await(id);
        Worker worker = new Worker("ends-" + UUID.randomUUID());
        List<String> lease = worker.leaseOne();
        // Drop the listening connection, then end the job at once: its notification goes nowhere.
        Queue.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE 'LISTEN%'");
        worker.complete(lease.get(0), lease.get(1)).statusCode(200);
        assertEquals("completed", ended.get(NOTIFIED, TimeUnit.SECONDS).status(),
                "the re-read after the listener reconnects finds the job");
    }

    @Test
    void theSafetyRecheckFindsAJobWhoseEndNobodyHeard() throws Exception {
        String id = newJob();
        CompletableFuture<JobRow> ended = await(id);
        ends.close();
        try {
            Worker worker = new Worker("ends-" + UUID.randomUUID());
            List<String> lease = worker.leaseOne();
            worker.complete(lease.get(0), lease.get(1)).statusCode(200);
            Thread.sleep(1000);
            assertFalse(ended.isDone(), "with no listener, nothing tells the waiter");
            ends.recheckAll();
            assertEquals("completed", ended.get(NOTIFIED, TimeUnit.SECONDS).status());
        } finally {
            ends.subscribe();
        }
    }

    @Test
    void aWaiterThatGivesUpIsForgotten() {
        String id = newJob();
        int before = ends.waiters();
        Cancellable waiting = ends.awaitEnd(UUID.fromString(id)).subscribe().with(job -> { });
        assertEquals(before + 1, ends.waiters());
        waiting.cancel();
        assertEquals(before, ends.waiters());
    }

    private CompletableFuture<JobRow> await(String id) {
        return ends.awaitEnd(UUID.fromString(id)).subscribeAsCompletionStage();
    }

    private final java.util.Map<String, Api.TestAccount> owners = new java.util.concurrent.ConcurrentHashMap<>();

    private String newJob() {
        Api.TestAccount account = Api.account(1000, 2);
        String id = account.json().body(Api.T2V_BODY).post("/v2/text-to-video").then().statusCode(202)
                .extract().path("id");
        owners.put(id, account);
        return id;
    }

    private Api.TestAccount ownerOf(String id) {
        return owners.get(id);
    }
}
