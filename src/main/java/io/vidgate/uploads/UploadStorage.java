package io.vidgate.uploads;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;

import java.util.UUID;

/**
 * Where the bytes of uploads live: {@link PostgresUploadStorage} (default) or {@link S3UploadStorage}, chosen by
 * {@code vidgate.uploads.storage}. The upload rows themselves are always in PostgreSQL ({@link UploadRepository}).
 */
public interface UploadStorage {

    /** Bytes handed to a {@link Writer} at once: the PUT body is cut into pieces of exactly this size (the last shorter). */
    int CHUNK_BYTES = 1024 * 1024;

    /** Starts storing an upload of exactly {@code size} bytes. */
    Writer writer(UUID id, String contentType, long size);

    /** The stored bytes of an upload of {@code size} bytes, in order, with back-pressure. */
    Multi<Buffer> read(UUID id, long size);

    /** Removes whatever is stored for the upload; nothing stored is fine. */
    Uni<Void> delete(UUID id);

    /** Receives one upload's chunks in order, one call at a time (each after the previous one's Uni completed). */
    interface Writer {
        Uni<Void> write(Buffer chunk);

        /** All chunks were written: the bytes are durable once this completes. */
        Uni<Void> finish();

        /** The upload failed: forget what was written. */
        Uni<Void> abort();
    }
}
