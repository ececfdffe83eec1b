package io.vidgate.media;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.net.TrustOptions;
import io.vidgate.config.VidgateConfig;
import io.vidgate.http.ApiException;
import io.vidgate.http.Errors;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import javax.net.ssl.SSLException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Streams a media URL into a {@link TempMedia} ({@link #fetch}), or hands its body on as a stream
 * ({@link #stream}: a result at a worker's own URL, served by io.vidgate.results), with the Vert.x HTTP client,
 * never blocking the event loop. Both go through the same checks:
 *
 * <ul>
 *   <li>One time bound ({@code vidgate.media.fetch-timeout}; for a stream, the caller's) covers DNS, connect,
 *       redirects and the last byte.</li>
 *   <li>More than {@code maxBytes} is a 413 as soon as it is known: from Content-Length, or while streaming, when
 *       the connection is reset at once.</li>
 *   <li>At most {@link MediaLimits#MAX_REDIRECTS} redirects, each re-checked with {@link MediaUris#checkRemote}.</li>
 *   <li>The host is resolved once, every address it resolves to must be public (unless
 *       {@code vidgate.media.allow-insecure}), and the connection goes to that checked address, so a DNS answer
 *       cannot change between the check and the connect.</li>
 *   <li>Non-2xx, DNS, connect and TLS failures are 400s naming the field; the temp file is deleted on every
 *       failure and on cancellation. On success the caller owns the file: close the {@link TempMedia}.</li>
 * </ul>
 * The core Vert.x client is used rather than the Web Client because it lets a request be reset the moment the
 * limit is passed, and it needs no extra dependency.
 */
@ApplicationScoped
public class MediaFetcher {

    /** Name lookup, replaceable in tests so that no test needs a real DNS server. */
    interface Resolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    private final Vertx vertx;
    private final MediaUris uris;
    private final Duration timeout;
    private final boolean allowInsecure;
    private final Resolver resolver;
    private final Path tempDir;
    private final HttpClient client;

    @Inject
    public MediaFetcher(Vertx vertx, VidgateConfig config, MediaUris uris) {
        this(vertx, uris, config.media().fetchTimeout(), config.media().allowInsecure(), InetAddress::getAllByName,
                null, null);
    }

    MediaFetcher(Vertx vertx, MediaUris uris, Duration timeout, boolean allowInsecure, Resolver resolver,
                 Path tempDir) {
        this(vertx, uris, timeout, allowInsecure, resolver, tempDir, null);
    }

    /** @param trust certificates to trust instead of the JDK's (tests with a self-signed server); null for the JDK's */
    MediaFetcher(Vertx vertx, MediaUris uris, Duration timeout, boolean allowInsecure, Resolver resolver,
                 Path tempDir, TrustOptions trust) {
        this.vertx = vertx;
        this.uris = uris;
        this.timeout = timeout;
        this.allowInsecure = allowInsecure;
        this.resolver = resolver;
        this.tempDir = tempDir;
        this.client = vertx.createHttpClient(new HttpClientOptions()
                .setKeepAlive(false)
                .setDecompressionSupported(false)
                .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, timeout.toMillis()))
                .setVerifyHost(true)
                .setTrustOptions(trust));
    }

    @PreDestroy
    void close() {
        client.close();
    }

    public Uni<TempMedia> fetch(String field, String url, long maxBytes) {
        return Uni.createFrom().emitter(emitter -> new ToFile(field, maxBytes, emitter).start(url));
    }

    /**
     * Opens {@code url} under the same rules as {@link #fetch} (public addresses only, every redirect re-checked,
     * 2xx only, more than {@code maxBytes} refused) but streams the body instead of saving it: the Uni completes
     * once a 2xx answer's headers have arrived, and {@link RemoteStream#body()} then carries the bytes with
     * back-pressure (one subscriber). {@code limit} bounds everything from the DNS lookup to the last byte: past it
     * the Uni fails with a 400 naming the field, or the body fails and the connection is reset. A body that is
     * cancelled, fails (more than {@code maxBytes}: {@link Errors.TooLarge}) or is never subscribed resets the
     * connection too (the last at the latest when {@code limit} is reached).
     */
    public Uni<RemoteStream> stream(String field, String url, long maxBytes, Duration limit) {
        return Uni.createFrom().emitter(emitter -> new ToStream(field, maxBytes, limit, emitter).start(url));
    }

    /**
     * A remote body being streamed: the answer's Content-Type (null when absent), its declared Content-Length
     * (null when absent, e.g. chunked; never more than the limit), and the bytes.
     */
    public record RemoteStream(String contentType, Long length, Multi<Buffer> body) {
    }

    /** True for an address on the public internet; false for loopback, private, link-local and reserved ones. */
    static boolean isPublic(InetAddress address) {
        if (address.isAnyLocalAddress() || address.isLoopbackAddress() || address.isLinkLocalAddress()
                || address.isSiteLocalAddress() || address.isMulticastAddress()) {
            return false;
        }
        byte[] b = address.getAddress();
        int b0 = b[0] & 0xFF;
        int b1 = b[1] & 0xFF;
        if (b.length == 4) {
            return !(b0 == 0 || b0 >= 240                        // "this network", reserved, broadcast
                    || (b0 == 100 && (b1 & 0xC0) == 64)          // 100.64.0.0/10 carrier-grade NAT
                    || (b0 == 192 && b1 == 0 && b[2] == 0)       // 192.0.0.0/24 protocol assignments
                    || (b0 == 198 && (b1 & 0xFE) == 18));        // 198.18.0.0/15 benchmarking
        }
        return (b0 & 0xFE) != 0xFC                               // fc00::/7 unique local
                && !(b0 == 0x00 && b1 == 0x64 && (b[2] & 0xFF) == 0xFF && (b[3] & 0xFF) == 0x9B); // NAT64
    }

    /**
     * One GET with its redirects under one time bound: its state, and the guarantee that its Uni ends once (success,
     * failure, timeout or cancel). What happens to a 2xx body is up to the subclass.
     */
    private abstract class Exchange<T> {
        final String field;
        final long maxBytes;
        final Duration limit;
        final UniEmitter<? super T> emitter;
        final AtomicBoolean done = new AtomicBoolean();
        volatile HttpClientRequest request;
        long timer;
        long received;
        private int redirects;

        Exchange(String field, long maxBytes, Duration limit, UniEmitter<? super T> emitter) {
            this.field = field;
            this.maxBytes = maxBytes;
            this.limit = limit;
            this.emitter = emitter;
        }

        void start(String url) {
            timer = vertx.setTimer(Math.max(1, limit.toMillis()), id -> timedOut());
            emitter.onTermination(() -> {
                if (done.compareAndSet(false, true)) { // cancelled by the subscriber
                    cleanUp();
                }
            });
            get(url);
        }

        void timedOut() {
            fail(new Errors.InvalidRequest(field + " could not be fetched in time"));
        }

        /** A 2xx answer within the declared limit, paused: take its body. */
        abstract void body(HttpClientResponse response);

        /** Releases what {@link #body} holds after a failure or cancel (the request is reset already). */
        void cleanUpBody() {
        }

        private void get(String url) {
            URI uri;
            try {
                uris.checkRemote(field, url, allowInsecure);
                uri = URI.create(url);
            } catch (RuntimeException e) {
                fail(e instanceof ApiException ? e : new Errors.InvalidRequest(field + " is not a valid URL"));
                return;
            }
            boolean ssl = "https".equalsIgnoreCase(uri.getScheme());
            int port = uri.getPort() > 0 ? uri.getPort() : ssl ? 443 : 80;
            String host = uri.getHost();
            String target = (uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath())
                    + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
            vertx.executeBlocking(() -> resolve(host), false)
                    .compose(address -> client.request(new RequestOptions()
                            .setMethod(HttpMethod.GET)
                            .setServer(SocketAddress.inetSocketAddress(new InetSocketAddress(address, port)))
                            .setHost(host)
                            .setPort(port)
                            .setSsl(ssl)
                            .setURI(target)
                            .setFollowRedirects(false)
                            .setConnectTimeout(Math.max(1, limit.toMillis()))))
                    .compose(req -> {
                        request = req;
                        if (done.get()) {
                            req.reset();
                        }
                        return req.send();
                    })
                    .onSuccess(response -> receive(uri, response))
                    .onFailure(this::fail);
        }

        private InetAddress resolve(String host) throws UnknownHostException {
            InetAddress[] addresses = resolver.resolve(host);
            if (addresses.length == 0) {
                throw new UnknownHostException(host);
            }
            if (!allowInsecure) {
                for (InetAddress address : addresses) {
                    if (!isPublic(address)) {
                        throw new Errors.InvalidRequest(field + " must name a public host");
                    }
                }
            }
            return addresses[0];
        }

        private void receive(URI uri, HttpClientResponse response) {
            int status = response.statusCode();
            String location = response.getHeader("Location");
            if (status >= 300 && status < 400 && location != null) {
                discard(response);
                if (++redirects > MediaLimits.MAX_REDIRECTS) {
                    fail(new Errors.InvalidRequest(field + " could not be fetched (too many redirects)"));
                    return;
                }
                String next;
                try {
                    next = uri.resolve(location).toString();
                } catch (IllegalArgumentException e) {
                    fail(new Errors.InvalidRequest(field + " could not be fetched (bad redirect)"));
                    return;
                }
                get(next);
                return;
            }
            if (status < 200 || status >= 300) {
                discard(response);
                fail(new Errors.InvalidRequest(field + " could not be fetched (HTTP " + status + ")"));
                return;
            }
            String length = response.getHeader("Content-Length");
            if (length != null && declaredTooLarge(length)) {
                discard(response);
                fail(new Errors.TooLarge());
                return;
            }
            response.pause();
            try {
                response.exceptionHandler(this::fail);
            } catch (IllegalStateException ended) { // an empty body whose end was seen before this callback ran
                fail(new Errors.InvalidRequest(field + " could not be fetched (empty body)"));
                return;
            }
            body(response);
        }

        /**
         * Drops the rest of an unwanted body by resetting the request; its reset is expected, so not logged. A body
         * that already ended (an empty redirect or error answer, whose end can arrive before this callback runs)
         * has nothing left to drop: Vert.x then refuses a handler, which must not stop the fetch.
         */
        private void discard(HttpClientResponse response) {
            try {
                response.exceptionHandler(ignored -> { });
            } catch (IllegalStateException ended) {
                // nothing left to drop
            }
            request.reset();
        }

        private boolean declaredTooLarge(String length) {
            try {
                return Long.parseLong(length.trim()) > maxBytes;
            } catch (NumberFormatException e) {
                return false; // a broken header is ignored: the bytes are counted anyway
            }
        }

        void fail(Throwable error) {
            if (done.compareAndSet(false, true)) {
                cleanUp();
                emitter.fail(error instanceof ApiException ? error : new Errors.InvalidRequest(
                        field + " could not be fetched (" + reason(error) + ")"));
            }
        }

        private void cleanUp() {
            vertx.cancelTimer(timer);
            resetRequest();
            cleanUpBody();
        }

        void resetRequest() {
            HttpClientRequest current = request;
            if (current != null) {
                current.reset();
            }
        }
    }

    /** A fetch into a private temp file, which the caller owns on success. */
    private final class ToFile extends Exchange<TempMedia> {
        private volatile AsyncFile file;
        private volatile Path path;

        ToFile(String field, long maxBytes, UniEmitter<? super TempMedia> emitter) {
            super(field, maxBytes, timeout, emitter);
        }

        @Override
        void body(HttpClientResponse response) {
            // Created with the default permissions of Files.createTempFile: readable by this user only.
            vertx.fileSystem().createTempFile(tempDir == null ? null : tempDir.toString(), "vidgate-media-", ".bin",
                            (String) null)
                    .compose(created -> {
                        path = Path.of(created);
                        if (done.get()) { // ended (timeout, cancel) while the file was created
                            deleteLater(path);
                            return Future.failedFuture("ended");
                        }
                        return vertx.fileSystem().open(created, new OpenOptions().setWrite(true));
                    })
                    .onFailure(this::fail)
                    .onSuccess(opened -> {
                        file = opened;
                        if (done.get()) { // ended while the file was opened: cleanUp may not have seen it
                            opened.close().onComplete(ignored -> deleteLater(path));
                            return;
                        }
                        response.handler(buffer -> {
                            received += buffer.length();
                            if (received > maxBytes) {
                                fail(new Errors.TooLarge());
                                return;
                            }
                            opened.write(buffer);
                            if (opened.writeQueueFull()) {
                                response.pause();
                                opened.drainHandler(v -> response.resume());
                            }
                        });
                        response.endHandler(v -> opened.close()
                                .onSuccess(closed -> succeed())
                                .onFailure(this::fail));
                        response.resume();
                    });
        }

        private void succeed() {
            if (done.compareAndSet(false, true)) {
                vertx.cancelTimer(timer);
                emitter.complete(new TempMedia(path, received));
            }
        }

        @Override
        void cleanUpBody() {
            AsyncFile open = file;
            Path written = path;
            if (open != null) {
                open.close().onComplete(ignored -> deleteLater(written));
            } else if (written != null) {
                deleteLater(written);
            }
        }

        private void deleteLater(Path written) {
            vertx.fileSystem().delete(written.toString());
        }
    }

    /** A fetch handed on as a stream once its headers have arrived; the time bound runs on to the last byte. */
    private final class ToStream extends Exchange<RemoteStream> {

        ToStream(String field, long maxBytes, Duration limit, UniEmitter<? super RemoteStream> emitter) {
            super(field, maxBytes, limit, emitter);
        }

        @Override
        void body(HttpClientResponse response) {
            HttpClientRequest current = request;
            Long length = parseLength(response.getHeader("Content-Length"));
            Multi<Buffer> bytes = io.vertx.mutiny.core.http.HttpClientResponse.newInstance(response).toMulti()
                    .map(io.vertx.mutiny.core.buffer.Buffer::getDelegate)
                    .onItem().invoke(buffer -> {
                        received += buffer.length();
                        if (received > maxBytes) {
                            throw new Errors.TooLarge();
                        }
                    })
                    .onTermination().invoke((failure, cancelled) -> {
                        vertx.cancelTimer(timer);
                        if (failure != null || cancelled) {
                            current.reset();
                        }
                    });
            if (done.compareAndSet(false, true)) {
                emitter.complete(new RemoteStream(response.getHeader("Content-Type"), length, bytes));
            }
        }

        /** Past the time bound also a body that is being (or was never) read is cut off. */
        @Override
        void timedOut() {
            super.timedOut();
            resetRequest();
        }

        private static Long parseLength(String header) {
            try {
                return header == null ? null : Long.parseLong(header.trim());
            } catch (NumberFormatException e) {
                return null;
            }
        }
    }

    private static String reason(Throwable error) {
        Throwable cause = error;
        while (cause.getCause() != null && cause.getCause() != cause) {
            if (cause instanceof UnknownHostException || cause instanceof SSLException) {
                break;
            }
            cause = cause.getCause();
        }
        if (cause instanceof UnknownHostException) {
            return "unknown host";
        }
        if (cause instanceof SSLException) {
            return "TLS error";
        }
        return "connection failed";
    }
}
