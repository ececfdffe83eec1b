import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * An open-loop load generator for bench/run.sh: sends POST /v2/text-to-video at a FIXED rate, whatever the
 * service's latency (wrk is closed-loop: a slow answer delays the next request and hides the queueing it causes).
 * Each request's latency is measured from the moment it was SCHEDULED to be sent, not from when it was sent, so a
 * stall of the service or of this generator counts fully (no coordinated omission).
 *
 *   java bench/FixedRate.java http://localhost:18090 KEYFILE RATE_PER_S SECONDS WARMUP_SECONDS
 *
 * Prints one line: RESULT {"requests", "seconds", "rps", "target_rps", "p50_ms", "p99_ms", "p999_ms", "max_ms",
 * "non2xx", "non2xx_by_status", "socket_errors", "late_sends"}; late_sends counts requests this generator itself sent more than 1 ms
 * after their slot (then the generator, not the service, was the bottleneck).
 */
public class FixedRate {

    private static final String BODY =
            "{\"prompt\":\"A lighthouse at dusk\",\"model\":\"ltx-2-3-pro\",\"duration\":8,\"resolution\":\"1920x1080\"}";

    public static void main(String[] args) throws Exception {
        URI uri = URI.create(args[0] + "/v2/text-to-video");
        List<String> keys = Files.readAllLines(Path.of(args[1])).stream().filter(l -> !l.isBlank()).toList();
        double rate = Double.parseDouble(args[2]);
        int seconds = Integer.parseInt(args[3]);
        int warmup = args.length > 4 ? Integer.parseInt(args[4]) : 0;
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        long interval = (long) (1e9 / rate);
        long total = (long) (rate * (warmup + seconds));
        long measuredFrom = (long) (rate * warmup);
        ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
        AtomicLong non2xx = new AtomicLong();
        java.util.concurrent.ConcurrentHashMap<Integer, AtomicLong> statuses = new java.util.concurrent.ConcurrentHashMap<>();
        AtomicLong errors = new AtomicLong();
        long late = 0;
        CountDownLatch done = new CountDownLatch((int) total);
        long start = System.nanoTime() + 100_000_000L;
        for (long i = 0; i < total; i++) {
            long slot = start + i * interval;
            long wait;
            while ((wait = slot - System.nanoTime()) > 0) {
                LockSupport.parkNanos(Math.min(wait, 200_000));
            }
            boolean measured = i >= measuredFrom;
            if (measured && -wait > 1_000_000) {
                late++;
            }
            HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                    .header("Authorization", "Bearer " + keys.get((int) (i % keys.size())))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(BODY)).build();
            client.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((response, failure) -> {
                if (measured) {
                    latencies.add(System.nanoTime() - slot);
                    if (failure != null) {
                        errors.incrementAndGet();
                    } else if (response.statusCode() / 100 != 2) {
                        non2xx.incrementAndGet();
                        statuses.computeIfAbsent(response.statusCode(), code -> new AtomicLong()).incrementAndGet();
                    }
                }
                done.countDown();
            });
        }
        done.await();
        long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
        System.out.printf(java.util.Locale.ROOT,
                "RESULT {\"requests\":%d,\"seconds\":%d,\"rps\":%.1f,\"target_rps\":%.1f,\"p50_ms\":%.3f,\"p99_ms\":%.3f,"
                        + "\"p999_ms\":%.3f,\"max_ms\":%.3f,\"non2xx\":%d,\"non2xx_by_status\":{%s},\"socket_errors\":%d,"
                        + "\"late_sends\":%d}%n",
                sorted.length, seconds, sorted.length / (double) seconds, rate, pct(sorted, 50), pct(sorted, 99),
                pct(sorted, 99.9), sorted.length == 0 ? 0 : sorted[sorted.length - 1] / 1e6, non2xx.get(),
                statuses.entrySet().stream().map(e -> "\"" + e.getKey() + "\":" + e.getValue())
                        .collect(java.util.stream.Collectors.joining(",")), errors.get(), late);
    }

    private static double pct(long[] sorted, double p) {
        return sorted.length == 0 ? 0 : sorted[Math.min(sorted.length - 1, (int) (sorted.length * p / 100))] / 1e6;
    }
}
