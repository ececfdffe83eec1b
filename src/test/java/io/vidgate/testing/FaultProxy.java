package io.vidgate.testing;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;

/**
 * A TCP proxy between the service and PostgreSQL that can break the connection the way networks and databases do:
 * <ul>
 *     <li>{@link #stall}: bytes stop flowing both ways on every connection (a database that stops answering);</li>
 *     <li>{@link #resetAll} / {@link #dropAll}: every open connection is reset (RST) or closed (FIN);</li>
 *     <li>{@link #refuse}: new connections are reset at once (the database host is up, the server is not);</li>
 *     <li>{@link #ghostCommits}: the next COMMITs are forwarded to the server, its reply is swallowed and the
 *     connection is reset: the transaction commits but the service sees an error ("ghost commit").</li>
 * </ul>
 * The client-to-server stream is parsed into PostgreSQL frontend messages to find a COMMIT; the reactive client
 * sends COMMIT as a simple query ('Q' message), and its statements as Parse/Bind (the text is sent once per
 * connection, later executions bind the cached statement by name). Plain blocking sockets, two daemon threads per
 * connection.
 */
public final class FaultProxy implements AutoCloseable {

    private static final int SSL_REQUEST = 80877103;
    private static final int GSSENC_REQUEST = 80877104;
    /** How long the server gets to commit before a ghost connection is reset. */
    private static final long GHOST_COMMIT_WAIT_MS = 300;

    private static FaultProxy shared;

    private final ServerSocket server;
    private final IntSupplier upstreamPort;
    private final Set<Link> links = ConcurrentHashMap.newKeySet();
    private final Object stallLock = new Object();
    private volatile boolean stalled;
    private volatile boolean refusing;
    private final AtomicInteger ghostsArmed = new AtomicInteger();
    /** A ghost commit only hits a transaction that sent a statement containing this text (null: any). */
    private volatile String ghostMarker;
    private final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();

    private FaultProxy(IntSupplier upstreamPort) throws IOException {
        this.upstreamPort = upstreamPort;
        this.server = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::acceptLoop, "fault-proxy-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** The proxy of this JVM in front of {@link TestDatabase}, started on first use on an ephemeral port. */
    public static synchronized FaultProxy shared() {
        if (shared == null) {
            try {
                shared = new FaultProxy(TestDatabase::port);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        return shared;
    }

    public int port() {
        return server.getLocalPort();
    }

    /** Stops (true) or resumes (false) every byte in both directions, on open and new connections. */
    public void stall(boolean on) {
        synchronized (stallLock) {
            stalled = on;
            stallLock.notifyAll();
        }
        if (on) {
            count("stall");
        }
    }

    /** Resets (RST) every open connection now. */
    public int resetAll() {
        count("reset");
        return closeAll(true);
    }

    /** Closes (FIN) every open connection now. */
    public int dropAll() {
        count("drop");
        return closeAll(false);
    }

    /** While on, new connections are reset as soon as they are accepted. */
    public void refuse(boolean on) {
        refusing = on;
        if (on) {
            count("refuse");
        }
    }

    /**
     * The next {@code n} COMMITs of transactions that sent a statement containing {@code marker} (for example
     * {@code idempotency_keys}: a create or grant with an Idempotency-Key) commit on the server, but the service never
     * hears back: its connection resets.
     */
    public void ghostCommits(int n, String marker) {
        ghostMarker = marker;
        ghostsArmed.set(n);
    }

    /** Ghost commits armed but not yet fired. */
    public int ghostsPending() {
        return ghostsArmed.get();
    }

    /** Back to a plain proxy: no stall, no refusal, no ghost armed. Open connections stay. */
    public void heal() {
        ghostsArmed.set(0);
        refusing = false;
        stall(false);
    }

    /** How often each fault happened: stall, reset, drop, refuse, ghost_commit, refused_connection, connection. */
    public Map<String, Long> counts() {
        Map<String, Long> copy = new java.util.TreeMap<>();
        counts.forEach((k, v) -> copy.put(k, v.get()));
        return copy;
    }

    @Override
    public void close() throws IOException {
        server.close();
        closeAll(true);
    }

    private void count(String what) {
        counts.computeIfAbsent(what, k -> new AtomicLong()).incrementAndGet();
    }

    private int closeAll(boolean reset) {
        int n = 0;
        for (Link link : links) {
            link.close(reset);
            n++;
        }
        return n;
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                return;
            }
            if (refusing) {
                count("refused_connection");
                reset(client);
                continue;
            }
            Socket upstream = new Socket();
            try {
                upstream.connect(new InetSocketAddress("localhost", upstreamPort.getAsInt()), 2000);
            } catch (IOException e) {
                count("refused_connection");
                reset(client);
                reset(upstream);
                continue;
            }
            count("connection");
            Link link = new Link(client, upstream);
            links.add(link);
            link.start();
        }
    }

    private void awaitFlowing() throws InterruptedException {
        synchronized (stallLock) {
            while (stalled) {
                stallLock.wait();
            }
        }
    }

    private static void reset(Socket socket) {
        try {
            if (!socket.isClosed()) {
                socket.setSoLinger(true, 0);
            }
        } catch (IOException ignored) {
            // closing anyway
        }
        try {
            socket.close();
        } catch (IOException ignored) {
            // already gone
        }
    }

    /** One proxied connection: the service's socket and the server's socket. */
    private final class Link {
        private final Socket client;
        private final Socket upstream;
        /** Set when a ghost COMMIT went through: the server's replies are swallowed from then on. */
        private volatile boolean muted;
        /** The current transaction on this connection ran a statement containing the ghost marker. */
        private boolean marked;
        /** Prepared statements' text by name: the client caches them per connection and later only binds them by
         *  name, without the text. */
        private final Map<String, String> statements = new java.util.HashMap<>();

        Link(Socket client, Socket upstream) {
            this.client = client;
            this.upstream = upstream;
        }

        void start() {
            Thread up = new Thread(this::clientToServer, "fault-proxy-up");
            Thread down = new Thread(this::serverToClient, "fault-proxy-down");
            up.setDaemon(true);
            down.setDaemon(true);
            up.start();
            down.start();
        }

        void close(boolean reset) {
            links.remove(this);
            if (reset) {
                reset(client);
                reset(upstream);
            } else {
                try {
                    client.close();
                } catch (IOException ignored) {
                    // already gone
                }
                try {
                    upstream.close();
                } catch (IOException ignored) {
                    // already gone
                }
            }
        }

        /** Forwards frontend messages one at a time, so that a COMMIT can be recognised and turned into a ghost. */
        private void clientToServer() {
            try (DataInputStream in = new DataInputStream(client.getInputStream())) {
                OutputStream out = upstream.getOutputStream();
                boolean untyped = true; // the startup message (and an SSL/GSS request before it) has no type byte
                while (true) {
                    byte type = 0;
                    if (!untyped) {
                        type = in.readByte();
                    }
                    int length = in.readInt();
                    byte[] body = new byte[length - 4];
                    in.readFully(body);
                    if (untyped) {
                        int code = body.length >= 4 ? java.nio.ByteBuffer.wrap(body, 0, 4).getInt() : 0;
                        untyped = code == SSL_REQUEST || code == GSSENC_REQUEST;
                    }
                    boolean ghost = false;
                    String marker = ghostMarker;
                    if (type == 'P') { // Parse: statement name, query text, ...
                        String[] parts = cStrings(body, 2);
                        statements.put(parts[0], parts[1]);
                    } else if (type == 'B') { // Bind: portal name, statement name, ...
                        String sql = statements.getOrDefault(cStrings(body, 2)[1], "");
                        marked |= marker == null || sql.contains(marker);
                    } else if (type == 'Q') {
                        String sql = new String(body, StandardCharsets.UTF_8);
                        marked |= marker == null || sql.contains(marker);
                        if (isEndOfTransaction(sql)) {
                            ghost = isCommit(sql) && marked && takeGhost();
                            marked = false;
                        }
                    }
                    awaitFlowing();
                    if (ghost) {
                        muted = true;
                    }
                    byte[] frame = new byte[(type == 0 ? 0 : 1) + length];
                    int at = 0;
                    if (type != 0) {
                        frame[at++] = type;
                    }
                    java.nio.ByteBuffer.wrap(frame, at, 4).putInt(length);
                    System.arraycopy(body, 0, frame, at + 4, body.length);
                    out.write(frame);
                    out.flush();
                    if (ghost) {
                        count("ghost_commit");
                        Thread.sleep(GHOST_COMMIT_WAIT_MS);
                        close(true);
                        return;
                    }
                }
            } catch (IOException | InterruptedException e) {
                close(false);
            }
        }

        private void serverToClient() {
            byte[] buffer = new byte[16384];
            try (InputStream in = upstream.getInputStream()) {
                OutputStream out = client.getOutputStream();
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    awaitFlowing();
                    if (!muted) {
                        out.write(buffer, 0, n);
                        out.flush();
                    }
                }
                close(false);
            } catch (IOException | InterruptedException e) {
                close(false);
            }
        }
    }

    private boolean takeGhost() {
        while (true) {
            int armed = ghostsArmed.get();
            if (armed <= 0) {
                return false;
            }
            if (ghostsArmed.compareAndSet(armed, armed - 1)) {
                return true;
            }
        }
    }

    /** The first {@code n} NUL-terminated strings of a message body. */
    private static String[] cStrings(byte[] body, int n) {
        String[] found = new String[n];
        int start = 0;
        for (int i = 0; i < n; i++) {
            int end = start;
            while (end < body.length && body[end] != 0) {
                end++;
            }
            found[i] = new String(body, start, end - start, StandardCharsets.UTF_8);
            start = Math.min(end + 1, body.length);
        }
        return found;
    }

    private static boolean isCommit(String query) {
        String sql = query.replace("\0", "").trim().toUpperCase(Locale.ROOT);
        return sql.startsWith("COMMIT") || sql.startsWith("END");
    }

    private static boolean isEndOfTransaction(String query) {
        String sql = query.replace("\0", "").trim().toUpperCase(Locale.ROOT);
        return isCommit(sql) || sql.startsWith("ROLLBACK");
    }
}
