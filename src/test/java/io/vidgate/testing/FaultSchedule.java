package io.vidgate.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAccumulator;

/**
 * Injects database faults into a running {@link Workload}, one at a time: each fault lasts a while, is healed,
 * then the service must recover by itself (a request succeeds again) within {@link #RECOVERY}, and the invariant
 * checker must pass. Which fault comes next is drawn from the workload's seed (or taken in order from a list).
 */
public final class FaultSchedule {

    public enum Fault {
        /** The database stops answering: bytes stop in both directions for a while. */
        STALL,
        /** Every connection is reset (RST). */
        RESET,
        /** Every connection is closed (FIN). */
        DROP,
        /** Every connection is reset and new ones are refused for a while. */
        REFUSE,
        /** The next COMMITs of Idempotency-Key transactions commit, but the service hears an error. */
        GHOST_COMMITS,
        /** PostgreSQL stops and starts again (same port, same data). */
        DB_RESTART
    }

    /** The service must answer 2xx again this soon after a fault is healed. */
    public static final Duration RECOVERY = Duration.ofSeconds(30);

    private final Workload workload;
    private final FaultProxy proxy;
    private final String base;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final Map<String, AtomicLong> injected = new ConcurrentHashMap<>();
    private final LongAccumulator maxRecoveryMs = new LongAccumulator(Math::max, 0);

    public FaultSchedule(Workload workload, FaultProxy proxy, String baseUrl) {
        this.workload = workload;
        this.proxy = proxy;
        this.base = baseUrl;
    }

    /** Injects the given faults in order, {@code gap} apart, while the workload runs; then stops the workload. */
    public Thread inOrder(List<Fault> faults, Duration gap) {
        Random random = new Random(workload.seed() ^ 0x5eed);
        return start(() -> {
            for (Fault fault : faults) {
                if (!pause(gap)) {
                    return;
                }
                injectAndRecover(fault, random);
            }
            pause(gap);
            workload.stop();
        });
    }

    /** Injects faults drawn from the seed, {@code gap} apart, until the workload stops. */
    public Thread random(Duration gap) {
        Random random = new Random(workload.seed() ^ 0x5eed);
        return start(() -> {
            while (pause(gap)) {
                injectAndRecover(Fault.values()[random.nextInt(Fault.values().length)], random);
            }
        });
    }

    private Thread start(Runnable body) {
        Thread thread = new Thread(body, "fault-schedule");
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    private boolean pause(Duration gap) {
        long end = System.nanoTime() + gap.toNanos();
        while (System.nanoTime() < end) {
            if (!workload.isRunning()) {
                return false;
            }
            sleep(50);
        }
        return workload.isRunning();
    }

    /** Injects one fault, heals it, waits for the service to answer again, and runs the checker. */
    public void injectAndRecover(Fault fault, Random random) {
        injected.computeIfAbsent(fault.name(), k -> new AtomicLong()).incrementAndGet();
        try {
            switch (fault) {
                case STALL -> {
                    proxy.stall(true);
                    sleep(1500 + random.nextInt(1500));
                }
                case RESET -> proxy.resetAll();
                case DROP -> proxy.dropAll();
                case REFUSE -> {
                    proxy.refuse(true);
                    proxy.resetAll();
                    sleep(500 + random.nextInt(1500));
                }
                case GHOST_COMMITS -> {
                    proxy.ghostCommits(1 + random.nextInt(3), "idempotency_keys");
                    sleep(1500);
                }
                case DB_RESTART -> {
                    TestDatabase.stopServer();
                    sleep(500 + random.nextInt(1500));
                    TestDatabase.restartServer();
                }
            }
        } catch (IOException e) {
            workload.problem("fault " + fault + " could not be injected: " + e);
        } finally {
            proxy.heal();
        }
        long healed = System.nanoTime();
        if (!awaitService()) {
            workload.problem("the service did not recover within " + RECOVERY + " after " + fault);
            return;
        }
        maxRecoveryMs.accumulate((System.nanoTime() - healed) / 1_000_000);
        if (workload.check("after_fault")) {
            workload.count("checks_passed_after_" + fault.name().toLowerCase());
        }
    }

    /** True once a database-backed request answers 200. */
    private boolean awaitService() {
        long deadline = System.nanoTime() + RECOVERY.toNanos();
        HttpRequest balance = HttpRequest.newBuilder(URI.create(base + "/v2/balance")).timeout(Workload.HANG)
                .header("Authorization", "Bearer " + workload.account(0).key()).GET().build();
        while (System.nanoTime() < deadline) {
            try {
                if (http.send(balance, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return true;
                }
            } catch (IOException e) {
                // the service itself is always up; keep trying
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            sleep(100);
        }
        return false;
    }

    /** How many of each fault were injected, and the slowest recovery (ms from heal to the first 200). */
    public Map<String, Long> counts() {
        Map<String, Long> copy = new TreeMap<>();
        injected.forEach((k, v) -> copy.put("fault_" + k.toLowerCase(), v.get()));
        copy.put("max_recovery_ms", maxRecoveryMs.get());
        proxy.counts().forEach((k, v) -> copy.put("proxy_" + k, v));
        return copy;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
