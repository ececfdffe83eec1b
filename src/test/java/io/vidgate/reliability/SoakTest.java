package io.vidgate.reliability;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;
import io.vidgate.testing.Api;
import io.vidgate.testing.FaultProxy;
import io.vidgate.testing.FaultSchedule;
import io.vidgate.testing.Invariants;
import io.vidgate.testing.Queue;
import io.vidgate.testing.TestDatabase;
import io.vidgate.testing.ThroughFaultProxy;
import io.vidgate.testing.Workload;
import io.vidgate.testing.Sweepers;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The long run of the seeded workload with faults drawn from the seed every few seconds (stall, reset, drop,
 * refused connections, ghost commits, database restart; workers die throughout). Runs only when asked:
 * <pre>./mvnw -B test -Dtest=SoakTest -Dreliability.soak.duration=10m -DskipITs</pre>
 * Optional: -Dreliability.workload.seed=N (replay), -Dreliability.soak.fault-gap=8s.
 */
@QuarkusTest
@QuarkusTestResource(TestDatabase.class)
@TestProfile(ThroughFaultProxy.class)
@EnabledIfSystemProperty(named = "reliability.soak.duration", matches = ".+")
class SoakTest {

    @Inject
    CircuitBreakerMaintenance breakers;

    @Inject
    Sweepers sweepers;

    @Test
    void theWorkloadKeepsEveryInvariantUnderRandomFaultsForTheWholeDuration() throws Exception {
        Duration duration = duration(System.getProperty("reliability.soak.duration"));
        Duration gap = duration(System.getProperty("reliability.soak.fault-gap", "8s"));
        long seed = Long.getLong("reliability.workload.seed", System.nanoTime());
        System.out.println("RELIABILITY soak seed " + seed + " for " + duration
                + " (replay: -Dreliability.workload.seed=" + seed + ")");
        FaultProxy proxy = FaultProxy.shared();
        Queue.drain(sweepers);
        Workload workload = new Workload(new Workload.Settings(seed, 10, 6, 3, duration, Duration.ofSeconds(2)),
                Api.PUBLIC_URL).setUp();
        FaultSchedule faults = new FaultSchedule(workload, proxy, Api.PUBLIC_URL);
        Thread schedule = faults.random(gap);
        workload.run();
        schedule.join(FaultSchedule.RECOVERY.toMillis() * 2);
        proxy.heal();
        breakers.resetAll();
        workload.finishAllJobs(Duration.ofSeconds(120));
        workload.check("after");
        List<String> history = workload.verifyHistory();
        Report.print("soak " + duration, seed, workload, faults);
        assertEquals(List.of(), workload.problems(), "seed " + seed);
        assertEquals(List.of(), history, "seed " + seed);
        Invariants.assertHold();
    }

    /** "10m", "90s", "1h" or an ISO-8601 duration. */
    static Duration duration(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.startsWith("p")) {
            return Duration.parse(text.trim());
        }
        long n = Long.parseLong(t.substring(0, t.length() - 1));
        return switch (t.charAt(t.length() - 1)) {
            case 's' -> Duration.ofSeconds(n);
            case 'm' -> Duration.ofMinutes(n);
            case 'h' -> Duration.ofHours(n);
            default -> throw new IllegalArgumentException("duration like 10m, 90s or PT10M: " + text);
        };
    }
}
