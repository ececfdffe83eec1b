package io.vidgate.reliability;

import io.vidgate.testing.FaultSchedule;
import io.vidgate.testing.Workload;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/** Prints the numbers of a reliability run and appends them to target/reliability/runs.txt. */
final class Report {

    private Report() {
    }

    static void print(String name, long seed, Workload workload, FaultSchedule faults) {
        Map<String, Long> all = new TreeMap<>(workload.counts());
        if (faults != null) {
            all.putAll(faults.counts());
        }
        print(name, seed, all);
    }

    static void print(String name, long seed, Map<String, Long> counts) {
        StringBuilder text = new StringBuilder();
        text.append(Instant.now()).append(' ').append(name).append(" seed=").append(seed).append('\n');
        new TreeMap<>(counts).forEach((k, v) -> text.append("  ").append(k).append(" = ").append(v).append('\n'));
        System.out.print("RELIABILITY " + text);
        try {
            Path file = Path.of("target", "reliability", "runs.txt");
            Files.createDirectories(file.getParent());
            Files.writeString(file, text, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            System.out.println("RELIABILITY could not write the report: " + e);
        }
    }
}
