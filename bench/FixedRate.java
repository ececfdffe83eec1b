import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.locks.LockSupport;

/**
 * A constant-throughput load generator for bench/run.sh, in the manner of wrk2 (wrk -R): CONNECTIONS keep-alive
 * connections, each with its own fixed schedule of RATE / CONNECTIONS requests per second (slots offset so the
 * connections do not fire together). A connection sends each request at its slot, or at once when the previous answer
 * came after the slot; its latency is counted from the SLOT, not from the send, so a slow answer counts for every
 * request it delayed (no coordinated omission). wrk alone is closed-loop and cannot do this; wrk2 is not packaged.
 * Plain blocking sockets, one thread per connection: the cheapest client on a machine whose cores the service shares.
 *
 *   java bench/FixedRate.java http://localhost:18090 KEYFILE RATE_PER_S SECONDS WARMUP_SECONDS CONNECTIONS
 *
 * Sends POST /v2/text-to-video, rotating the keys of KEYFILE. Prints one line: RESULT {"requests", "seconds", "rps",
 * "target_rps", "connections", "p50_ms", "p99_ms", "p999_ms", "max_ms", "non2xx", "non2xx_by_status",
 * "socket_errors", "late_sends"}; late_sends counts measured requests sent more than 1 ms after their slot (the
 * connection was still waiting for an earlier answer, or this generator was late).
 */
public class FixedRate {

    private static final String BODY =
            "{\"prompt\":\"A lighthouse at dusk\",\"model\":\"ltx-2-3-pro\",\"duration\":8,\"resolution\":\"1920x1080\"}";

    public static void main(String[] args) throws Exception {
        URI base = URI.create(args[0]);
        List<String> keys = Files.readAllLines(Path.of(args[1])).stream().filter(l -> !l.isBlank()).toList();
        double rate = Double.parseDouble(args[2]);
        int seconds = Integer.parseInt(args[3]);
        int warmup = Integer.parseInt(args[4]);
        int connections = Integer.parseInt(args[5]);
        long interval = (long) (1e9 * connections / rate); // between two slots of one connection
        long start = System.nanoTime() + 200_000_000L;
        long measuredFrom = start + warmup * 1_000_000_000L;
        long end = measuredFrom + seconds * 1_000_000_000L;
        List<Connection> all = new ArrayList<>();
        for (int c = 0; c < connections; c++) {
            Connection connection = new Connection(base, keys, c, start + c * interval / connections, interval,
                    measuredFrom, end);
            all.add(connection);
            connection.thread.start();
        }
        long[] latencies = new long[0];
        long non2xx = 0, errors = 0, late = 0;
        Map<Integer, Long> statuses = new TreeMap<>();
        for (Connection connection : all) {
            connection.thread.join();
            long[] own = connection.latencies.toArray();
            long[] merged = new long[latencies.length + own.length];
            System.arraycopy(latencies, 0, merged, 0, latencies.length);
            System.arraycopy(own, 0, merged, latencies.length, own.length);
            latencies = merged;
            errors += connection.errors;
            late += connection.late;
            for (Map.Entry<Integer, Long> e : connection.statuses.entrySet()) {
                statuses.merge(e.getKey(), e.getValue(), Long::sum);
                non2xx += e.getKey() / 100 == 2 ? 0 : e.getValue();
            }
        }
        java.util.Arrays.sort(latencies);
        StringBuilder byStatus = new StringBuilder();
        statuses.forEach((status, count) -> {
            if (status / 100 != 2) {
                byStatus.append(byStatus.length() == 0 ? "" : ",").append('"').append(status).append("\":").append(count);
            }
        });
        System.out.printf(Locale.ROOT,
                "RESULT {\"requests\":%d,\"seconds\":%d,\"rps\":%.1f,\"target_rps\":%.1f,\"connections\":%d,"
                        + "\"p50_ms\":%.3f,\"p99_ms\":%.3f,\"p999_ms\":%.3f,\"max_ms\":%.3f,\"non2xx\":%d,"
                        + "\"non2xx_by_status\":{%s},\"socket_errors\":%d,\"late_sends\":%d}%n",
                latencies.length, seconds, latencies.length / (double) seconds, rate, connections, pct(latencies, 50),
                pct(latencies, 99), pct(latencies, 99.9),
                latencies.length == 0 ? 0 : latencies[latencies.length - 1] / 1e6, non2xx, byStatus, errors, late);
    }

    private static double pct(long[] sorted, double p) {
        return sorted.length == 0 ? 0 : sorted[Math.min(sorted.length - 1, (int) (sorted.length * p / 100))] / 1e6;
    }

    /** One keep-alive connection and its schedule; reconnects after a socket error (counted) or a "close". */
    private static final class Connection implements Runnable {
        final Thread thread = new Thread(this);
        final LongList latencies = new LongList();
        final Map<Integer, Long> statuses = new TreeMap<>();
        long errors, late;
        private final URI base;
        private final List<String> keys;
        private final int index;
        private final long firstSlot, interval, measuredFrom, end;
        private Socket socket;
        private InputStream in;
        private OutputStream out;

        Connection(URI base, List<String> keys, int index, long firstSlot, long interval, long measuredFrom, long end) {
            this.base = base;
            this.keys = keys;
            this.index = index;
            this.firstSlot = firstSlot;
            this.interval = interval;
            this.measuredFrom = measuredFrom;
            this.end = end;
        }

        @Override
        public void run() {
            long n = 0;
            for (long slot = firstSlot; slot < end; slot += interval, n++) {
                long wait;
                while ((wait = slot - System.nanoTime()) > 0) {
                    LockSupport.parkNanos(wait);
                }
                boolean measured = slot >= measuredFrom;
                if (measured && -wait > 1_000_000) {
                    late++;
                }
                String key = keys.get((int) ((index + n * 31) % keys.size()));
                int status;
                try {
                    status = exchange(key);
                } catch (IOException e) {
                    status = -1;
                    close();
                }
                if (measured) {
                    latencies.add(System.nanoTime() - slot);
                    if (status < 0) {
                        errors++;
                    } else {
                        statuses.merge(status, 1L, Long::sum);
                    }
                }
            }
            close();
        }

        private int exchange(String key) throws IOException {
            if (socket == null) {
                socket = new Socket(base.getHost(), base.getPort());
                socket.setTcpNoDelay(true);
                in = new BufferedInputStream(socket.getInputStream(), 16384);
                out = socket.getOutputStream();
            }
            byte[] body = BODY.getBytes(StandardCharsets.UTF_8);
            out.write(("POST /v2/text-to-video HTTP/1.1\r\nHost: " + base.getHost() + ":" + base.getPort()
                    + "\r\nAuthorization: Bearer " + key + "\r\nContent-Type: application/json\r\nContent-Length: "
                    + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            String statusLine = line();
            int status = Integer.parseInt(statusLine.split(" ")[1]);
            long length = 0;
            boolean chunked = false, closing = false;
            for (String header = line(); !header.isEmpty(); header = line()) {
                String lower = header.toLowerCase(Locale.ROOT);
                if (lower.startsWith("content-length:")) {
                    length = Long.parseLong(lower.substring(15).trim());
                } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                    chunked = true;
                } else if (lower.startsWith("connection:") && lower.contains("close")) {
                    closing = true;
                }
            }
            if (chunked) {
                for (long size = Long.parseLong(line().split(";")[0].trim(), 16); size > 0;
                        size = Long.parseLong(line().split(";")[0].trim(), 16)) {
                    skip(size);
                    line();
                }
                while (!line().isEmpty()) { // trailers
                }
            } else {
                skip(length);
            }
            if (closing) {
                close();
            }
            return status;
        }

        private String line() throws IOException {
            StringBuilder line = new StringBuilder();
            for (int b = in.read(); b != '\n'; b = in.read()) {
                if (b < 0) {
                    throw new IOException("connection closed by the server");
                }
                if (b != '\r') {
                    line.append((char) b);
                }
            }
            return line.toString();
        }

        private void skip(long n) throws IOException {
            while (n > 0) {
                long skipped = in.skip(n);
                if (skipped <= 0) {
                    if (in.read() < 0) {
                        throw new IOException("connection closed by the server");
                    }
                    skipped = 1;
                }
                n -= skipped;
            }
        }

        private void close() {
            try {
                if (socket != null) {
                    socket.close();
                }
            } catch (IOException ignored) {
                // closing after an error: nothing more to do
            }
            socket = null;
        }
    }

    /** A growable array of longs (a connection records tens of thousands of latencies). */
    private static final class LongList {
        private long[] values = new long[4096];
        private int size;

        void add(long value) {
            if (size == values.length) {
                values = java.util.Arrays.copyOf(values, size * 2);
            }
            values[size++] = value;
        }

        long[] toArray() {
            return java.util.Arrays.copyOf(values, size);
        }
    }
}
