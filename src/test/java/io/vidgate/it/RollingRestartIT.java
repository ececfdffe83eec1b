package io.vidgate.it;

import io.vidgate.ledger.Conservation;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.stream.Collectors;

import static io.vidgate.it.PackagedApp.json;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.anyOf;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.lessThanOrEqualTo;

/**
 * A rolling restart under load, as Kubernetes does it: two pods (A and B) of the packaged application on one
 * database, both running the simulated worker, while eight clients create jobs through both. A gets SIGTERM, must
 * exit within the 40 s termination grace period, and a new A starts on the same port; then the same for B.
 * <p>
 * The clients model a load balancer that is slow to notice: a terminating pod keeps getting its share of requests
 * until its process has exited, so it sees traffic through its whole shutdown (readiness DOWN, the shutdown delay,
 * the drain). A request that fails (503, connection refused or reset) is retried with the same Idempotency-Key on
 * the other pod, as a client should. Proven afterwards, against the database itself: no response other than 202,
 * 503 or a connection error; every 2xx job exists with its credits held or charged; a retried request never made a
 * second job (one job per distinct 2xx id, no other job); the ledger balances; and once the load stops, the
 * simulators finish every job (nothing left pending or processing, each completed job captured exactly once),
 * including the jobs the stopped pods had leased.
 */
class RollingRestartIT {

    private static final String T2V_BODY =
            "{\"prompt\":\"A lighthouse at dusk\",\"model\":\"ltx-2-3-pro\",\"duration\":8,\"resolution\":\"1920x1080\"}";
    /** ltx-2-3-pro, text-to-video, 1080p: 8 credits per second, 8 s. */
    private static final long JOB_PRICE = 64;

    /** The pod's terminationGracePeriodSeconds the service is configured for (application.properties). */
    private static final Duration GRACE_PERIOD = Duration.ofSeconds(40);
    private static final int CLIENTS = 8;
    /** Each client waits this long between two logical requests (the simulators must be able to keep up). */
    private static final long PACING_MILLIS = 250;
    /** Attempts per logical request during the load: the first, and retries on the other pod. */
    private static final int MAX_ATTEMPTS = 5;
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration ROLL_AFTER = Duration.ofSeconds(3);
    private static final Duration MIN_LOAD = Duration.ofSeconds(12);
    private static final Duration LOAD_AFTER_LAST_ROLL = Duration.ofSeconds(2);
    private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(60);

    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(1))
            .build();

    private static PackagedApp.Database database;
    private static final List<PackagedApp> started = new CopyOnWriteArrayList<>();
    private static Map<String, String> envA;
    private static Map<String, String> envB;
    /** What the "load balancer" routes to: slot 0 is pod A, slot 1 pod B; null while a pod is not running. */
    private static final AtomicReferenceArray<PackagedApp> routes = new AtomicReferenceArray<>(2);

    @BeforeAll
    static void startTwoPods() {
        database = PackagedApp.Database.start();
        envA = podEnvironment(PackagedApp.freePort());
        envB = podEnvironment(PackagedApp.freePort());
        PackagedApp a = PackagedApp.start("rolling-a1", envA);
        started.add(a);
        PackagedApp b = PackagedApp.start("rolling-b1", envB);
        started.add(b);
        a.awaitReady();
        b.awaitReady();
        routes.set(0, a);
        routes.set(1, b);
    }

    @AfterAll
    static void stop() {
        try {
            PackagedApp.closeAll(started.toArray(PackagedApp[]::new));
        } finally {
            if (database != null) {
                database.close();
            }
        }
    }

    private static Map<String, String> podEnvironment(int httpPort) {
        Map<String, String> env = PackagedApp.environment(httpPort, database.port());
        env.put("VIDGATE_SIMULATOR_ENABLED", "true");
        env.put("VIDGATE_SIMULATOR_DELAY", "1s");
        // 32 jobs at once per pod (the default is 4), so the two simulators keep up with the load and drain the
        // queue well within the 60 s this test allows; and a stopping pod has many leases to hand back.
        env.put("VIDGATE_SIMULATOR_SLOTS", "32");
        // An expired lease (a hand-back that failed) is rescued within a second of expiring.
        env.put("VIDGATE_JOBS_SWEEP_INTERVAL", "1s");
        return env;
    }

    // ---- What the clients saw ----------------------------------------------------------------------------------

    enum Kind { ACCEPTED, UNAVAILABLE, CONNECTION_ERROR, TIMEOUT, UNEXPECTED }

    /** One HTTP attempt of a logical request: where it went, when (ms after the load began), and what came back. */
    record Attempt(int number, String instance, Kind kind, int status, String detail, String jobId, boolean replayed,
                   long atMillis) {

        boolean retryable() {
            return kind == Kind.UNAVAILABLE || kind == Kind.CONNECTION_ERROR || kind == Kind.TIMEOUT;
        }

        @Override
        public String toString() {
            return "#" + number + " " + instance + " @" + atMillis + "ms " + kind
                    + (status > 0 ? " " + status : "") + (replayed ? " (replayed)" : "") + ": " + detail;
        }
    }

    /** One logical create: a unique Idempotency-Key and every attempt made with it (written by one thread). */
    static final class Logical {
        final String key;
        final List<Attempt> attempts = new ArrayList<>();

        Logical(String key) {
            this.key = key;
        }

        Set<String> acceptedJobIds() {
            return attempts.stream().filter(a -> a.kind() == Kind.ACCEPTED).map(Attempt::jobId)
                    .collect(Collectors.toCollection(LinkedHashSet::new));
        }

        boolean accepted() {
            return attempts.stream().anyMatch(a -> a.kind() == Kind.ACCEPTED);
        }
    }

    /** One roll of one pod. Times are in ms after the load began (sigterm) or after SIGTERM (the others). */
    record Roll(String stopped, String replacement, long sigtermAtMillis, long readinessDownAfterMillis,
                long shutdownMillis, int exitCode, long startupMillis) {
    }

    private record Route(int slot, PackagedApp app) {
    }

    private final AtomicInteger roundRobin = new AtomicInteger();
    private long loadStart;

    // ---- The test ------------------------------------------------------------------------------------------------

    @Test
    void aRollingRestartUnderLoadLosesNoAcceptedRequestAndLeavesNoJobStuck() throws Exception {
        PackagedApp a1 = routes.get(0);
        PackagedApp.Account account = a1.account(Map.of("name", "rolling-restart", "concurrency_limit", 1000,
                "rate_limit_per_minute", 100_000), 1_000_000_000L);
        for (int slot = 0; slot < 2; slot++) {
            for (int i = 0; i < 5; i++) {
                PackagedApp.expect(200, routes.get(slot).get("/v2/balance", account.key()));
            }
        }

        // Load, and the two rolls while it runs.
        List<Logical> logicals = Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean stopLoad = new AtomicBoolean();
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        List<Future<?>> running = new ArrayList<>();
        List<Roll> rolls = new ArrayList<>();
        loadStart = System.nanoTime();
        try {
            for (int c = 0; c < CLIENTS; c++) {
                int client = c;
                running.add(clients.submit(() -> client(client, account.key(), stopLoad, logicals)));
            }
            PackagedApp.sleep(ROLL_AFTER);
            rolls.add(roll(0, "rolling-a2", envA));
            rolls.add(roll(1, "rolling-b2", envB));
            long until = Math.max(loadStart + MIN_LOAD.toNanos(), System.nanoTime() + LOAD_AFTER_LAST_ROLL.toNanos());
            PackagedApp.sleep(Duration.ofNanos(Math.max(0, until - System.nanoTime())));
        } finally {
            stopLoad.set(true);
            clients.shutdown();
            if (!clients.awaitTermination(60, TimeUnit.SECONDS)) {
                clients.shutdownNow();
            }
        }
        for (Future<?> client : running) {
            client.get(); // a client that threw fails the test here
        }
        long loadMillis = sinceLoadStart();

        // A logical request that never got its 2xx during the load is settled as a client would: the same
        // request, the same key, once more now that both pods are up. (A create that committed just before its
        // connection broke is replayed; one that never committed is made now.) So every key ends with one answer.
        List<Logical> all = new ArrayList<>(logicals);
        int settled = 0;
        for (Logical logical : all) {
            if (!logical.accepted() && logical.attempts.stream().noneMatch(x -> x.kind() == Kind.UNEXPECTED)) {
                settled++;
                for (int attempt = MAX_ATTEMPTS + 1; attempt <= MAX_ATTEMPTS + 3 && !logical.accepted(); attempt++) {
                    Route route = route(attempt % 2);
                    logical.attempts.add(send(route.app(), account.key(), logical.key, attempt));
                }
            }
        }

        Stats stats = new Stats(all);
        System.out.println(report(rolls, all, stats, loadMillis, settled));

        // 1. Every response was a 202, a 503 or a connection error: no 500, no 4xx, no hang.
        List<String> unexpected = new ArrayList<>();
        for (Logical logical : all) {
            for (Attempt attempt : logical.attempts) {
                if (attempt.kind() == Kind.UNEXPECTED || attempt.kind() == Kind.TIMEOUT) {
                    unexpected.add(logical.key + " " + attempt);
                }
            }
        }
        assertThat("responses other than 202, 503 or a connection error (app logs in target/it-logs/)",
                unexpected, empty());
        List<String> unanswered = all.stream().filter(l -> !l.accepted()).map(l -> l.key + " " + l.attempts).toList();
        assertThat("logical requests with no 2xx even after settling", unanswered, empty());

        // 2. A key answered 2xx more than once (a retry after a lost response) got the same job every time.
        List<String> doubled = all.stream().filter(l -> l.acceptedJobIds().size() > 1)
                .map(l -> l.key + " " + l.attempts).toList();
        assertThat("Idempotency-Keys answered 2xx with different jobs", doubled, empty());
        Set<String> acceptedJobs = new LinkedHashSet<>();
        all.forEach(l -> acceptedJobs.addAll(l.acceptedJobIds()));
        assertThat("distinct 2xx job ids, one per logical request", acceptedJobs.size(), equalTo(all.size()));

        String jdbcUrl = "jdbc:postgresql://localhost:" + database.port() + "/postgres";
        UUID accountId = UUID.fromString(account.id());
        try (Connection db = DriverManager.getConnection(jdbcUrl, "postgres", "postgres")) {
            // 3. Every job answered 2xx exists with its credits held or charged, and there is no other job: a
            //    retry never made a second job (no double reservation, no double charge).
            Map<String, JobRow> jobs = jobs(db, accountId);
            List<String> missing = new ArrayList<>();
            List<String> notHeld = new ArrayList<>();
            for (String id : acceptedJobs) {
                JobRow job = jobs.get(id);
                if (job == null) {
                    missing.add(id);
                } else if (job.reserved() + job.charged() != JOB_PRICE || job.refunded() != 0) {
                    notHeld.add(job.toString());
                }
            }
            assertThat("jobs answered 2xx but not in the database", missing, empty());
            assertThat("jobs answered 2xx without their " + JOB_PRICE + " credits held or charged", notHeld, empty());
            Set<String> extra = new LinkedHashSet<>(jobs.keySet());
            extra.removeAll(acceptedJobs);
            assertThat("jobs in the database that no 2xx answered (a retry made a second job)", extra, empty());
            assertThat("count(jobs) = distinct 2xx job ids", jobs.size(), equalTo(acceptedJobs.size()));
            assertThat("accounts out of balance (Conservation.ACCOUNTS_OUT_OF_BALANCE)", outOfBalance(db), empty());

            // 4. Nothing stuck: the simulators finish every job, also those the stopped pods had leased.
            long drainStart = System.nanoTime();
            long deadline = drainStart + DRAIN_TIMEOUT.toNanos();
            long active = activeJobs(db, accountId);
            while (active > 0 && System.nanoTime() < deadline) {
                PackagedApp.sleep(Duration.ofMillis(500));
                active = activeJobs(db, accountId);
            }
            long drainMillis = (System.nanoTime() - drainStart) / 1_000_000;
            System.out.printf("RollingRestartIT: %d jobs; %s after the load stopped: %d still pending or processing"
                    + "; by status %s; jobs that took more than one attempt (a lease expired and was rescued): %d%n",
                    jobs.size(), drainMillis + " ms", active, statusCounts(db, accountId), retriedJobs(db, accountId));
            assertThat("jobs still pending or processing " + DRAIN_TIMEOUT.toSeconds() + " s after the load stopped: "
                    + activeJobDetails(db, accountId), active, equalTo(0L));
            assertThat("every job completed", statusCounts(db, accountId), equalTo(Map.of("completed", (long) jobs.size())));
            assertThat("completed jobs without exactly one capture entry", badCaptures(db, accountId), empty());
            assertThat("accounts out of balance after the drain", outOfBalance(db), empty());
            long[] balance = balance(db, accountId);
            assertThat("charged = jobs x price", balance[2], equalTo(jobs.size() * JOB_PRICE));
            assertThat("nothing still reserved", balance[1], equalTo(0L));
            assertThat("available = credited - charged", balance[0], equalTo(1_000_000_000L - jobs.size() * JOB_PRICE));
        }

        // 5. Each pod exited within the grace period, and exited as a SIGTERM'd JVM does (not a crash).
        for (Roll roll : rolls) {
            assertThat(roll.stopped() + " shutdown (ms)", roll.shutdownMillis(),
                    lessThanOrEqualTo(GRACE_PERIOD.toMillis()));
            assertThat(roll.stopped() + " exit code", roll.exitCode(), anyOf(equalTo(0), equalTo(143)));
        }
        assertThat("the load ran through both rolls", stats.accepted, greaterThan(0));
    }

    // ---- Load ----------------------------------------------------------------------------------------------------

    private void client(int client, String apiKey, AtomicBoolean stop, List<Logical> out) {
        int n = 0;
        while (!stop.get()) {
            Logical logical = new Logical("roll-" + client + "-" + n++ + "-" + UUID.randomUUID());
            out.add(logical);
            int slot = Math.floorMod(roundRobin.getAndIncrement(), 2);
            for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
                Route route = route(slot);
                Attempt result = send(route.app(), apiKey, logical.key, attempt);
                logical.attempts.add(result);
                if (!result.retryable()) {
                    break;
                }
                slot = 1 - route.slot(); // the other pod
                PackagedApp.sleep(Duration.ofMillis(100L * attempt));
            }
            PackagedApp.sleep(Duration.ofMillis(PACING_MILLIS));
        }
    }

    /** The pod in {@code preferred} if it runs, else the other one (one of them always runs during a roll). */
    private static Route route(int preferred) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            for (int slot : new int[]{preferred, 1 - preferred}) {
                PackagedApp app = routes.get(slot);
                if (app != null) {
                    return new Route(slot, app);
                }
            }
            PackagedApp.sleep(Duration.ofMillis(50));
        }
        throw new AssertionError("no pod to send to for 30 s");
    }

    private Attempt send(PackagedApp app, String apiKey, String idempotencyKey, int number) {
        HttpRequest request = HttpRequest.newBuilder(app.uri("/v2/text-to-video"))
                .timeout(REQUEST_TIMEOUT)
                .header("Authorization", "Bearer " + apiKey)
                .header("Content-Type", "application/json")
                .header("Idempotency-Key", idempotencyKey)
                .POST(HttpRequest.BodyPublishers.ofString(T2V_BODY))
                .build();
        long at = sinceLoadStart();
        try {
            HttpResponse<String> response = CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
            int status = response.statusCode();
            String body = abbreviate(response.body());
            if (status == 202) {
                String jobId = json(response).get("id").asText();
                boolean replayed = response.headers().firstValue("Idempotent-Replayed").isPresent();
                return new Attempt(number, app.name(), Kind.ACCEPTED, status, jobId, jobId, replayed, at);
            }
            Kind kind = status == 503 ? Kind.UNAVAILABLE : Kind.UNEXPECTED;
            return new Attempt(number, app.name(), kind, status, body, null, false, at);
        } catch (HttpConnectTimeoutException e) {
            return new Attempt(number, app.name(), Kind.CONNECTION_ERROR, 0, e.toString(), null, false, at);
        } catch (HttpTimeoutException e) {
            return new Attempt(number, app.name(), Kind.TIMEOUT, 0, e.toString(), null, false, at);
        } catch (IOException e) {
            return new Attempt(number, app.name(), Kind.CONNECTION_ERROR, 0, e.toString(), null, false, at);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    // ---- Rolling one pod -----------------------------------------------------------------------------------------

    /**
     * SIGTERM to the pod in {@code slot}; it keeps getting traffic until its process is gone (a slow load
     * balancer); it must exit within the grace period; then a replacement starts on the same port and, once
     * ready, takes the slot's traffic.
     */
    private Roll roll(int slot, String replacementName, Map<String, String> env) {
        PackagedApp old = routes.get(slot);
        long sigtermAt = sinceLoadStart();
        long sigterm = System.nanoTime();
        old.terminate();
        long readinessDown = -1;
        HttpRequest ready = HttpRequest.newBuilder(old.uri("/q/health/ready")).timeout(Duration.ofSeconds(1)).build();
        long deadline = sigterm + GRACE_PERIOD.toNanos();
        while (old.isAlive() && System.nanoTime() < deadline) {
            if (readinessDown < 0) {
                int status;
                try {
                    status = CLIENT.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode();
                } catch (IOException e) {
                    status = -1;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError("interrupted", e);
                }
                if (status != 200) {
                    readinessDown = (System.nanoTime() - sigterm) / 1_000_000;
                }
            }
            PackagedApp.sleep(Duration.ofMillis(100));
        }
        if (old.isAlive()) {
            old.close();
            throw new AssertionError(old.name() + " was still running " + GRACE_PERIOD.toSeconds()
                    + " s after SIGTERM (the grace period; Kubernetes would SIGKILL it): see target/it-logs/"
                    + old.name() + ".log");
        }
        long shutdownMillis = (System.nanoTime() - sigterm) / 1_000_000;
        int exitCode = old.awaitExit(Duration.ofSeconds(1));
        routes.set(slot, null);

        long startAt = System.nanoTime();
        PackagedApp replacement = PackagedApp.start(replacementName, env);
        started.add(replacement);
        replacement.awaitReady();
        routes.set(slot, replacement);
        long startupMillis = (System.nanoTime() - startAt) / 1_000_000;
        return new Roll(old.name(), replacementName, sigtermAt, readinessDown, shutdownMillis, exitCode, startupMillis);
    }

    // ---- The database ------------------------------------------------------------------------------------------

    record JobRow(String id, String status, long reserved, long charged, long refunded, int attempt) {
    }

    private static Map<String, JobRow> jobs(Connection db, UUID accountId) throws SQLException {
        Map<String, JobRow> jobs = new LinkedHashMap<>();
        try (PreparedStatement query = db.prepareStatement("SELECT id, status, credits_reserved, credits_charged,"
                + " credits_refunded, attempt FROM jobs WHERE account_id = ?")) {
            query.setObject(1, accountId);
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    JobRow job = new JobRow(rows.getString(1), rows.getString(2), rows.getLong(3), rows.getLong(4),
                            rows.getLong(5), rows.getInt(6));
                    jobs.put(job.id(), job);
                }
            }
        }
        return jobs;
    }

    private static List<String> outOfBalance(Connection db) throws SQLException {
        return strings(db, Conservation.ACCOUNTS_OUT_OF_BALANCE, null);
    }

    private static long activeJobs(Connection db, UUID accountId) throws SQLException {
        return number(db, "SELECT count(*) FROM jobs WHERE account_id = ? AND status IN ('pending', 'processing')",
                accountId);
    }

    private static long retriedJobs(Connection db, UUID accountId) throws SQLException {
        return number(db, "SELECT count(*) FROM jobs WHERE account_id = ? AND attempt > 1", accountId);
    }

    private static List<String> activeJobDetails(Connection db, UUID accountId) throws SQLException {
        return strings(db, "SELECT id || ' ' || status || ' attempt=' || attempt || ' worker=' || coalesce(worker_id, '-')"
                + " || ' lease_expires_at=' || coalesce(lease_expires_at::text, '-')"
                + " || ' available_at=' || available_at::text || ' last_error=' || coalesce(last_error::text, '-')"
                + " FROM jobs WHERE account_id = ? AND status IN ('pending', 'processing') ORDER BY seq LIMIT 20",
                accountId);
    }

    private static Map<String, Long> statusCounts(Connection db, UUID accountId) throws SQLException {
        Map<String, Long> counts = new TreeMap<>();
        try (PreparedStatement query = db.prepareStatement(
                "SELECT status, count(*) FROM jobs WHERE account_id = ? GROUP BY status")) {
            query.setObject(1, accountId);
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    counts.put(rows.getString(1), rows.getLong(2));
                }
            }
        }
        return counts;
    }

    private static List<String> badCaptures(Connection db, UUID accountId) throws SQLException {
        return strings(db, """
                SELECT j.id || ' captures=' || (SELECT count(*) FROM ledger_entries l
                                                WHERE l.job_id = j.id AND l.kind = 'capture')
                  FROM jobs j
                 WHERE j.account_id = ? AND j.status = 'completed'
                   AND (SELECT count(*) FROM ledger_entries l WHERE l.job_id = j.id AND l.kind = 'capture') <> 1""",
                accountId);
    }

    /** available, reserved, charged of the account. */
    private static long[] balance(Connection db, UUID accountId) throws SQLException {
        try (PreparedStatement query = db.prepareStatement(
                "SELECT available, reserved, charged FROM accounts WHERE id = ?")) {
            query.setObject(1, accountId);
            try (ResultSet rows = query.executeQuery()) {
                if (!rows.next()) {
                    throw new AssertionError("no account " + accountId);
                }
                return new long[]{rows.getLong(1), rows.getLong(2), rows.getLong(3)};
            }
        }
    }

    private static long number(Connection db, String sql, UUID accountId) throws SQLException {
        try (PreparedStatement query = db.prepareStatement(sql)) {
            query.setObject(1, accountId);
            try (ResultSet rows = query.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }

    private static List<String> strings(Connection db, String sql, UUID accountId) throws SQLException {
        List<String> values = new ArrayList<>();
        try (PreparedStatement query = db.prepareStatement(sql)) {
            if (accountId != null) {
                query.setObject(1, accountId);
            }
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    values.add(rows.getString(1));
                }
            }
        }
        return values;
    }

    // ---- Reporting ---------------------------------------------------------------------------------------------

    /** Counts over every attempt, in total and per instance. */
    static final class Stats {
        final int logical;
        int attempts;
        int accepted;
        int replayed;
        int unavailable;
        int connectionErrors;
        int timeouts;
        int unexpected;
        int retried;
        final Map<String, int[]> perInstance = new TreeMap<>();
        final Map<String, Long> firstAt = new TreeMap<>();
        final Map<String, Long> lastAcceptedAt = new TreeMap<>();

        Stats(List<Logical> all) {
            logical = all.size();
            for (Logical l : all) {
                if (l.attempts.size() > 1) {
                    retried++;
                }
                for (Attempt a : l.attempts) {
                    attempts++;
                    int[] counts = perInstance.computeIfAbsent(a.instance(), k -> new int[Kind.values().length]);
                    counts[a.kind().ordinal()]++;
                    firstAt.merge(a.instance(), a.atMillis(), Math::min);
                    switch (a.kind()) {
                        case ACCEPTED -> {
                            accepted++;
                            if (a.replayed()) {
                                replayed++;
                            }
                            lastAcceptedAt.merge(a.instance(), a.atMillis(), Math::max);
                        }
                        case UNAVAILABLE -> unavailable++;
                        case CONNECTION_ERROR -> connectionErrors++;
                        case TIMEOUT -> timeouts++;
                        case UNEXPECTED -> unexpected++;
                    }
                }
            }
        }
    }

    private static String report(List<Roll> rolls, List<Logical> all, Stats stats, long loadMillis, int settled) {
        StringBuilder out = new StringBuilder("RollingRestartIT: ").append(CLIENTS).append(" clients for ")
                .append(loadMillis).append(" ms: ").append(stats.logical).append(" logical requests, ")
                .append(stats.attempts).append(" HTTP attempts; 202: ").append(stats.accepted)
                .append(" (replayed: ").append(stats.replayed).append("), 503: ").append(stats.unavailable)
                .append(", connection errors: ").append(stats.connectionErrors).append(", timeouts: ")
                .append(stats.timeouts).append(", unexpected: ").append(stats.unexpected)
                .append("; logical requests retried: ").append(stats.retried)
                .append(", settled after the load: ").append(settled).append('\n');
        for (Roll roll : rolls) {
            out.append(String.format("  roll %s -> %s: SIGTERM at %d ms; readiness DOWN after %d ms; exited after %d ms"
                            + " with code %d; last 202 from it %s ms after SIGTERM; %s ready after %d ms%n",
                    roll.stopped(), roll.replacement(), roll.sigtermAtMillis(), roll.readinessDownAfterMillis(),
                    roll.shutdownMillis(), roll.exitCode(),
                    stats.lastAcceptedAt.containsKey(roll.stopped())
                            ? String.valueOf(stats.lastAcceptedAt.get(roll.stopped()) - roll.sigtermAtMillis()) : "-",
                    roll.replacement(), roll.startupMillis()));
        }
        all.stream().flatMap(l -> l.attempts.stream()).filter(x -> x.kind() == Kind.CONNECTION_ERROR)
                .collect(Collectors.groupingBy(x -> x.instance() + ": " + x.detail(), TreeMap::new,
                        Collectors.counting()))
                .forEach((error, count) -> out.append("  connection error x").append(count).append(" on ")
                        .append(error).append('\n'));
        for (Roll roll : rolls) {
            PackagedApp stopped = started.stream().filter(app -> app.name().equals(roll.stopped())).findFirst()
                    .orElseThrow();
            long warnings = stopped.output().lines().filter(line -> line.contains("could not hand back")).count();
            out.append("  ").append(roll.stopped()).append(": 'could not hand back' warnings in its log: ")
                    .append(warnings).append('\n');
        }
        stats.perInstance.forEach((instance, counts) -> out.append(String.format(
                "  %s: 202=%d 503=%d connection-errors=%d timeouts=%d unexpected=%d%n", instance,
                counts[Kind.ACCEPTED.ordinal()], counts[Kind.UNAVAILABLE.ordinal()],
                counts[Kind.CONNECTION_ERROR.ordinal()], counts[Kind.TIMEOUT.ordinal()],
                counts[Kind.UNEXPECTED.ordinal()])));
        return out.toString();
    }

    private long sinceLoadStart() {
        return (System.nanoTime() - loadStart) / 1_000_000;
    }

    private static String abbreviate(String body) {
        String oneLine = body == null ? "" : body.replace('\n', ' ');
        return oneLine.length() > 300 ? oneLine.substring(0, 300) + "..." : oneLine;
    }
}
