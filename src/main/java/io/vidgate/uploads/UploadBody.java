package io.vidgate.uploads;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Moves one PUT body into an {@link UploadStorage.Writer} in pieces of exactly {@link UploadStorage#CHUNK_BYTES}:
 * the request is paused while a piece is being written, so at most about one chunk is held in memory. Counts the
 * bytes and computes their SHA-256 on the way.
 */
final class UploadBody {

    record Received(long size, byte[] sha256) {
    }

    /** The client closed the connection or sent fewer bytes than its Content-Length. */
    static final class ClientGone extends RuntimeException {
        ClientGone(String message) {
            super(message, null, false, false);
        }
    }

    private final HttpServerRequest request;
    private final UploadStorage.Writer writer;
    private final long length;
    private final MessageDigest sha256;
    private final AtomicBoolean done = new AtomicBoolean();
    private Buffer pending = Buffer.buffer();
    private long received;
    /** The write in flight, if any: discarding waits for it, so no chunk is written after the discard. */
    private volatile CompletableFuture<Void> inFlight = CompletableFuture.completedFuture(null);

    UploadBody(HttpServerRequest request, UploadStorage.Writer writer, long length) {
        this.request = request;
        this.writer = writer;
        this.length = length;
        try {
            this.sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Reads the whole body into the writer and finishes it; fails if the client goes away or storage fails. */
    Uni<Received> receive() {
        return Uni.createFrom().emitter(emitter -> {
            request.exceptionHandler(e -> fail(emitter, new ClientGone(e.toString())));
            request.handler(data -> {
                received += data.length();
                sha256.update(data.getBytes());
                pending.appendBuffer(data);
                if (pending.length() >= UploadStorage.CHUNK_BYTES) {
                    request.pause();
                    track(writeFullChunks()).subscribe().with(v -> request.resume(), e -> fail(emitter, e));
                }
            });
            request.endHandler(v -> {
                if (received != length) {
                    fail(emitter, new ClientGone("received " + received + " of " + length + " bytes"));
                    return;
                }
                Buffer last = pending;
                pending = Buffer.buffer();
                Uni<Void> rest = last.length() == 0 ? Uni.createFrom().voidItem() : writer.write(last);
                track(rest.flatMap(ignored -> writer.finish())).subscribe().with(
                        ignored -> {
                            if (done.compareAndSet(false, true)) {
                                emitter.complete(new Received(received, sha256.digest()));
                            }
                        },
                        e -> fail(emitter, e));
            });
            request.resume();
        });
    }

    /** Drops whatever was written, after the write in flight (if any) has ended. */
    Uni<Void> discard() {
        return Uni.createFrom().completionStage(inFlight)
                .onFailure().recoverWithNull()
                .flatMap(ignored -> writer.abort());
    }

    private Uni<Void> writeFullChunks() {
        List<Buffer> chunks = new ArrayList<>();
        while (pending.length() >= UploadStorage.CHUNK_BYTES) {
            chunks.add(pending.getBuffer(0, UploadStorage.CHUNK_BYTES));
            pending = pending.getBuffer(UploadStorage.CHUNK_BYTES, pending.length());
        }
        return Multi.createFrom().iterable(chunks)
                .onItem().transformToUniAndConcatenate(writer::write)
                .collect().last()
                .replaceWithVoid();
    }

    private Uni<Void> track(Uni<Void> write) {
        CompletableFuture<Void> future = write.subscribeAsCompletionStage();
        inFlight = future;
        return Uni.createFrom().completionStage(future);
    }

    private void fail(UniEmitter<? super Received> emitter, Throwable failure) {
        if (done.compareAndSet(false, true)) {
            request.handler(null);
            emitter.fail(failure);
        }
    }
}
