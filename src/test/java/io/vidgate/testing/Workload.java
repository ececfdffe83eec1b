package io.vidgate.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAccumulator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A randomized, seed-driven workload in the style of Jepsen's "bank" test: client threads create, cancel, read and
 * fund jobs on a few accounts while worker threads lease, heartbeat, complete, fail and abandon them, all over real
 * HTTP. Each thread draws its operations from {@code Random(seed + thread)}, so a seed replays the same operation
 * sequence per thread (the interleaving between threads is the scheduler's).
 * <p>
 * It keeps a history of every acknowledged (2xx) effect and, at the end, proves that each one is in the database
 * ({@link #verifyHistory}); the SQL invariant checker runs in the background while it works ({@link Invariants}).
 * A worker that "dies" abandons its lease; the workload then makes that lease look expired (as if its 10 s
 * minimum had passed) so that the sweeper rescues the job within the run.
 */
public final class Workload {

    /** A request slower than this is a hang: the service must answer every request, at worst with a 503. */
    public static final Duration HANG = Duration.ofSeconds(15);
    private static final Pattern ID = Pattern.compile("\"id\":\"([0-9a-f-]{36})\"");
    private static final Pattern STATUS = Pattern.compile("\"status\":\"([a-z]+)\"");
    private static final Pattern TOKEN = Pattern.compile("\"token\":\"([0-9a-f-]{36})\"");
    private static final Pattern ERROR_TYPE = Pattern.compile("\"error\":\\{\"type\":\"([a-z_]+)\"");
    private static final String[] MODELS = {"ltx-2-3-fast", "ltx-2-3-pro", "ltx-2-fast", "ltx-2-pro"};
    private static final int[] DURATIONS = {6, 8, 10};

    public record Settings(long seed, int accounts, int clients, int workers, Duration duration, Duration checkEvery) {
    }

    private final Settings settings;
    private final String base;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final List<Api.TestAccount> accounts = new ArrayList<>();

    private final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();
    private final LongAccumulator maxLatencyMs = new LongAccumulator(Math::max, 0);
    private final List<String> problems = new CopyOnWriteArrayList<>();

    /** Acknowledged jobs: id -> account, and the final state a 2xx reported (null while it may still change). */
    private final Map<UUID, String> ackedJobs = new ConcurrentHashMap<>();
    private final Map<UUID, String> ackedFinal = new ConcurrentHashMap<>();
    private final Map<UUID, Long> ackedGrants = new ConcurrentHashMap<>();
    private final Map<String, List<UUID>> jobsByAccount = new ConcurrentHashMap<>();
    /** Creates that may have made a job the client never heard of: no key and an error, or a key given up on. */
    private final AtomicLong unknownCreates = new AtomicLong();
    private final ConcurrentLinkedQueue<UUID> abandoned = new ConcurrentLinkedQueue<>();
    private volatile boolean running;

    public Workload(Settings settings, String baseUrl) {
        this.settings = settings;
        this.base = baseUrl;
    }

    public long seed() {
        return settings.seed();
    }

    /** Creates the accounts (call while the database is healthy). */
    public Workload setUp() {
        Random random = new Random(settings.seed());
        for (int i = 0; i < settings.accounts(); i++) {
            Api.TestAccount account = Api.account(200 + random.nextInt(2000), 1 + random.nextInt(4));
            Api.admin().body(Map.of("rate_limit_per_minute", 100000)).patch("/admin/accounts/" + account.id())
                    .then().statusCode(200);
            accounts.add(account);
            jobsByAccount.put(account.id(), new CopyOnWriteArrayList<>());
        }
        running = true; // from here on a fault schedule may start; run() keeps it so until the end or stop()
        return this;
    }

    /** Runs the clients, the workers and the background checker for the configured duration, or until stop(). */
    public void run() throws InterruptedException {
        running = true;
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < settings.clients(); i++) {
            Random random = new Random(settings.seed() * 31 + i);
            threads.add(start("workload-client-" + i, () -> loop(() -> clientStep(random))));
        }
        for (int i = 0; i < settings.workers(); i++) {
            Random random = new Random(settings.seed() * 31 + 1000 + i);
            String worker = "workload-gpu-" + i;
            threads.add(start(worker, () -> loop(() -> workerStep(random, worker))));
        }
        threads.add(start("workload-checker", this::checkLoop));
        long end = System.nanoTime() + settings.duration().toNanos();
        while (System.nanoTime() < end && problems.isEmpty() && running) {
            Thread.sleep(100);
        }
        running = false;
        for (Thread thread : threads) {
            thread.join(HANG.toMillis() * 2);
        }
    }

    private static Thread start(String name, Runnable body) {
        Thread thread = new Thread(body, name);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    public void stop() {
        running = false;
    }

    public boolean isRunning() {
        return running;
    }

    private void loop(Runnable step) {
        while (running) {
            try {
                step.run();
            } catch (RuntimeException e) {
                problems.add("unexpected " + e);
                running = false;
            }
        }
    }

    private void checkLoop() {
        while (running) {
            check("during");
            sleep(settings.checkEvery().toMillis());
        }
    }

    /** Runs the invariant checker once; a database that cannot be reached skips the check. True if it passed. */
    public boolean check(String when) {
        List<Invariants.Violation> violations;
        try (Connection c = TestDatabase.connect()) {
            violations = Invariants.check(c);
        } catch (SQLException e) {
            count("checks_skipped_db_unreachable");
            return false;
        }
        if (!violations.isEmpty()) {
            problems.add("invariants violated " + when + ": " + violations);
            return false;
        }
        count("checks_passed_" + when);
        return true;
    }

    // ---- clients -------------------------------------------------------------------------------------------

    private void clientStep(Random random) {
        Api.TestAccount account = accounts.get(random.nextInt(accounts.size()));
        int dice = random.nextInt(100);
        if (dice < 55) {
            create(random, account);
        } else if (dice < 70) {
            cancel(random, account);
        } else if (dice < 78) {
            grant(random, account);
        } else {
            read(random, account);
        }
    }

    private void create(Random random, Api.TestAccount account) {
        String model = MODELS[random.nextInt(MODELS.length)];
        String body = "{\"prompt\":\"workload " + random.nextInt(1000) + "\",\"model\":\"" + model
                + "\",\"duration\":" + DURATIONS[random.nextInt(DURATIONS.length)] + ",\"resolution\":\"1920x1080\"}";
        boolean keyed = random.nextInt(10) < 7;
        String key = keyed ? "wl-" + new UUID(random.nextLong(), random.nextLong()) : null;
        for (int attempt = 1; attempt <= (keyed ? 10 : 1); attempt++) {
            Reply reply = send("create", request("/v2/text-to-video", account.key(), key)
                    .POST(HttpRequest.BodyPublishers.ofString(body)));
            if (reply.status() == 202) {
                UUID id = UUID.fromString(match(ID, reply.body()));
                String before = ackedJobs.putIfAbsent(id, account.id());
                if (before == null) {
                    jobsByAccount.get(account.id()).add(id);
                }
                if (reply.replayed()) {
                    count("create_replayed");
                }
                return;
            }
            if (!keyed || !(reply.status() == 503 || reply.status() == 409 || reply.status() < 0)) {
                if (reply.status() == 503 || reply.status() < 0) {
                    unknownCreates.incrementAndGet();
                }
                return; // refused (400, 402, 429): nothing was created
            }
            sleep(100L * attempt);
        }
        unknownCreates.incrementAndGet();
        count("create_gave_up");
    }

    private void cancel(Random random, Api.TestAccount account) {
        UUID job = anyJob(random, account);
        if (job == null) {
            return;
        }
        Reply reply = send("cancel", request("/v2/jobs/" + job + "/cancel", account.key(), null)
                .POST(HttpRequest.BodyPublishers.noBody()));
        if (reply.status() == 200) {
            ackFinal(job, "cancelled");
        }
    }

    private void grant(Random random, Api.TestAccount account) {
        long amount = 50 + random.nextInt(500);
        String key = "wl-grant-" + new UUID(random.nextLong(), random.nextLong());
        for (int attempt = 1; attempt <= 10; attempt++) {
            Reply reply = send("grant", HttpRequest.newBuilder(URI.create(base + "/admin/accounts/" + account.id()
                            + "/credits")).timeout(HANG).header("Authorization", "Bearer " + Api.ADMIN_TOKEN)
                    .header("Content-Type", "application/json").header("Idempotency-Key", key)
                    .POST(HttpRequest.BodyPublishers.ofString("{\"amount\":" + amount + "}")));
            if (reply.status() == 201) {
                ackedGrants.put(UUID.fromString(match(ID, reply.body())), amount);
                return;
            }
            if (!(reply.status() == 503 || reply.status() == 409 || reply.status() < 0)) {
                return;
            }
            sleep(100L * attempt);
        }
        count("grant_gave_up");
    }

    private void read(Random random, Api.TestAccount account) {
        UUID job = anyJob(random, account);
        if (job == null || random.nextBoolean()) {
            send("balance", request("/v2/balance", account.key(), null).GET());
            return;
        }
        String expected = ackedFinal.get(job); // acknowledged before the read was sent: the read must see it
        Reply reply = send("get", request("/v2/jobs/" + job, account.key(), null).GET());
        if (reply.status() == 200 && expected != null && !expected.equals(match(STATUS, reply.body()))) {
            problems.add("job " + job + " was acknowledged " + expected + " but reads " + reply.body());
        }
    }

    // ---- workers -------------------------------------------------------------------------------------------

    private void workerStep(Random random, String worker) {
        expireAbandonedLeases();
        int max = 1 + random.nextInt(3);
        Reply reply = send("lease", request("/internal/jobs/lease", null, null).header("Authorization",
                        "Bearer " + Worker.TOKEN)
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"worker_id\":\"" + worker + "\",\"max_jobs\":" + max + ",\"lease_seconds\":10}")));
        if (reply.status() != 200) {
            return;
        }
        List<String> ids = all(Pattern.compile("\"job\":\\{\"id\":\"([0-9a-f-]{36})\""), reply.body());
        List<String> tokens = all(TOKEN, reply.body());
        if (ids.isEmpty()) {
            sleep(50);
            return;
        }
        for (int i = 0; i < ids.size() && i < tokens.size(); i++) {
            UUID id = UUID.fromString(ids.get(i));
            String token = tokens.get(i);
            int dice = random.nextInt(100);
            if (dice < 10) {
                abandoned.add(id); // the worker dies: no heartbeat, no answer
                count("worker_deaths");
                continue;
            }
            if (dice < 30) {
                workerCall("heartbeat", id, "{\"lease_token\":\"" + token + "\",\"progress\":50}");
            }
            if (dice < 75) {
                Reply done = workerCall("complete", id, "{\"lease_token\":\"" + token
                        + "\",\"video_url\":\"https://cdn.example.com/" + id + ".mp4\"}");
                if (done.status() == 200) {
                    ackFinal(id, "completed");
                }
            } else {
                boolean retryable = dice < 90;
                Reply failed = workerCall("fail", id, "{\"lease_token\":\"" + token + "\",\"retryable\":" + retryable
                        + ",\"error\":{\"type\":\"gpu_error\",\"message\":\"out of memory\"}}");
                if (failed.status() == 200 && "failed".equals(match(STATUS, failed.body()))) {
                    ackFinal(id, "failed");
                }
            }
        }
    }

    private Reply workerCall(String op, UUID job, String body) {
        return send(op, request("/internal/jobs/" + job + "/" + op, null, null)
                .header("Authorization", "Bearer " + Worker.TOKEN)
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    /** Leases abandoned by dead workers are made to look expired, as if their 10 s had passed. */
    private void expireAbandonedLeases() {
        List<UUID> dead = new ArrayList<>();
        UUID id;
        while ((id = abandoned.poll()) != null) {
            dead.add(id);
        }
        if (dead.isEmpty()) {
            return;
        }
        try (Connection c = TestDatabase.connect(); PreparedStatement s = c.prepareStatement(
                "UPDATE jobs SET lease_expires_at = now() - interval '1 second' WHERE id = ANY(?) AND status = 'processing'")) {
            s.setArray(1, c.createArrayOf("uuid", dead.toArray()));
            s.executeUpdate();
        } catch (SQLException e) {
            abandoned.addAll(dead); // the database is down (a fault): try again later
        }
    }

    // ---- the end: finish every job, then prove every acknowledged effect is in the database --------------------

    /** Completes every job still active on the workload's accounts (expired leases are rescued by the sweeper). */
    public void finishAllJobs(Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        running = true;
        Random random = new Random(settings.seed());
        try {
            while (System.nanoTime() < deadline) {
                expireAbandonedLeases();
                expireEveryLease();
                if (activeJobs() == 0) {
                    return;
                }
                workerStep(random, "workload-finisher");
                sleep(50);
            }
            problems.add(activeJobs() + " jobs still active after " + within);
        } finally {
            running = false;
        }
    }

    private void expireEveryLease() {
        execute("UPDATE jobs SET lease_expires_at = now() - interval '1 second' WHERE status = 'processing'"
                + " AND worker_id LIKE 'workload-gpu-%' AND account_id = ANY(?)");
    }

    private long activeJobs() {
        try (Connection c = TestDatabase.connect(); PreparedStatement s = c.prepareStatement(
                "SELECT count(*) FROM jobs WHERE status IN ('pending', 'processing') AND account_id = ANY(?)")) {
            s.setArray(1, accountIds(c));
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            return -1;
        }
    }

    /**
     * Every 2xx is in the database: each acknowledged job exists on its account, each acknowledged end state is its
     * state, each acknowledged grant is in the ledger; and no job exists that the clients could not have caused
     * (jobs the clients never heard of are at most the creates that got an error without an Idempotency-Key).
     */
    public List<String> verifyHistory() {
        List<String> found = new ArrayList<>();
        try (Connection c = TestDatabase.connect()) {
            Map<UUID, String[]> jobs = new java.util.HashMap<>();
            try (PreparedStatement s = c.prepareStatement(
                    "SELECT id, account_id::text, status FROM jobs WHERE account_id = ANY(?)")) {
                s.setArray(1, accountIds(c));
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        jobs.put(rs.getObject(1, UUID.class), new String[]{rs.getString(2), rs.getString(3)});
                    }
                }
            }
            ackedJobs.forEach((id, account) -> {
                String[] row = jobs.get(id);
                if (row == null || !row[0].equals(account)) {
                    found.add("acknowledged job " + id + " is not in the database on account " + account);
                }
            });
            ackedFinal.forEach((id, status) -> {
                String[] row = jobs.get(id);
                if (row != null && !row[1].equals(status)) {
                    found.add("job " + id + " was acknowledged " + status + " but is " + row[1]);
                }
            });
            try (PreparedStatement s = c.prepareStatement("SELECT count(*) FILTER (WHERE attempt > 1),"
                    + " count(*) FILTER (WHERE attempt > 1 AND status = 'completed') FROM jobs WHERE account_id = ANY(?)")) {
                s.setArray(1, accountIds(c));
                try (ResultSet rs = s.executeQuery()) {
                    rs.next();
                    counts.put("jobs_run_more_than_once", new AtomicLong(rs.getLong(1)));
                    counts.put("jobs_rescued_then_completed", new AtomicLong(rs.getLong(2)));
                }
            }
            long unacknowledged = jobs.keySet().stream().filter(id -> !ackedJobs.containsKey(id)).count();
            counts.put("jobs_in_db", new AtomicLong(jobs.size()));
            counts.put("jobs_unacknowledged", new AtomicLong(unacknowledged));
            if (unacknowledged > unknownCreates.get()) {
                found.add(unacknowledged + " jobs nobody was told about, but only " + unknownCreates.get()
                        + " creates had an unknown outcome");
            }
            try (PreparedStatement s = c.prepareStatement(
                    "SELECT id, amount FROM ledger_entries WHERE kind = 'grant' AND id = ANY(?)")) {
                s.setArray(1, c.createArrayOf("uuid", ackedGrants.keySet().toArray()));
                Map<UUID, Long> inDb = new java.util.HashMap<>();
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        inDb.put(rs.getObject(1, UUID.class), rs.getLong(2));
                    }
                }
                ackedGrants.forEach((id, amount) -> {
                    if (!amount.equals(inDb.get(id))) {
                        found.add("acknowledged grant " + id + " of " + amount + " is not in the ledger");
                    }
                });
            }
        } catch (SQLException e) {
            found.add("history could not be verified: " + e);
        }
        return found;
    }

    // ---- plumbing ------------------------------------------------------------------------------------------

    private record Reply(int status, String body, boolean replayed) {
    }

    private HttpRequest.Builder request(String path, String apiKey, String idempotencyKey) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(HANG)
                .header("Content-Type", "application/json");
        if (apiKey != null) {
            request.header("Authorization", "Bearer " + apiKey);
        }
        if (idempotencyKey != null) {
            request.header("Idempotency-Key", idempotencyKey);
        }
        return request;
    }

    private Reply send(String op, HttpRequest.Builder request) {
        long started = System.nanoTime();
        count("requests");
        count("op_" + op);
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            long ms = (System.nanoTime() - started) / 1_000_000;
            maxLatencyMs.accumulate(ms);
            int status = response.statusCode();
            count("status_" + status);
            if (status >= 500) {
                String type = match(ERROR_TYPE, response.body());
                count("5xx_" + status + "_" + type);
                if (status != 503 || !"service_unavailable".equals(type)
                        || response.headers().firstValue("Retry-After").isEmpty()) {
                    problems.add(op + " answered " + status + " " + response.body());
                }
            }
            if (status == 503) {
                sleep(50); // as a client honouring Retry-After would, only shorter: keep the pressure on
            }
            return new Reply(status, response.body(),
                    response.headers().firstValue("Idempotent-Replayed").isPresent());
        } catch (HttpTimeoutException e) {
            count("hangs");
            problems.add(op + " did not answer within " + HANG);
            return new Reply(-1, "", false);
        } catch (IOException e) {
            count("client_io_errors");
            return new Reply(-1, "", false);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Reply(-1, "", false);
        }
    }

    private void ackFinal(UUID job, String status) {
        String before = ackedFinal.putIfAbsent(job, status);
        if (before != null && !before.equals(status)) {
            problems.add("job " + job + " acknowledged both " + before + " and " + status);
        }
    }

    private UUID anyJob(Random random, Api.TestAccount account) {
        List<UUID> jobs = jobsByAccount.get(account.id());
        return jobs.isEmpty() ? null : jobs.get(random.nextInt(jobs.size()));
    }

    private Array accountIds(Connection c) throws SQLException {
        return c.createArrayOf("uuid", accounts.stream().map(a -> UUID.fromString(a.id())).toArray());
    }

    private void execute(String sql) {
        try (Connection c = TestDatabase.connect(); PreparedStatement s = c.prepareStatement(sql)) {
            s.setArray(1, accountIds(c));
            s.executeUpdate();
        } catch (SQLException e) {
            // the database is down: the next round tries again
        }
    }

    public void count(String what) {
        counts.computeIfAbsent(what, k -> new AtomicLong()).incrementAndGet();
    }

    public void problem(String what) {
        problems.add(what);
    }

    public List<String> problems() {
        return Collections.unmodifiableList(problems);
    }

    public Map<String, Long> counts() {
        Map<String, Long> copy = new TreeMap<>();
        counts.forEach((k, v) -> copy.put(k, v.get()));
        copy.put("max_latency_ms", maxLatencyMs.get());
        copy.put("acknowledged_jobs", (long) ackedJobs.size());
        copy.put("acknowledged_grants", (long) ackedGrants.size());
        copy.put("creates_with_unknown_outcome", unknownCreates.get());
        return copy;
    }

    public Api.TestAccount account(int i) {
        return accounts.get(i);
    }

    private static String match(Pattern pattern, String text) {
        Matcher m = pattern.matcher(text);
        return m.find() ? m.group(1) : null;
    }

    private static List<String> all(Pattern pattern, String text) {
        List<String> found = new ArrayList<>();
        Matcher m = pattern.matcher(text);
        while (m.find()) {
            found.add(m.group(1));
        }
        return found;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
