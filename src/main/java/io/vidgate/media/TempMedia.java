package io.vidgate.media;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A fetched or decoded media file in a private temporary file. Closing it deletes the file; use it in
 * try-with-resources or {@code Uni.onTermination()}, or let {@link MediaInputs} do both for you.
 */
public final class TempMedia implements AutoCloseable {

    private final Path path;
    private final long bytes;

    TempMedia(Path path, long bytes) {
        this.path = path;
        this.bytes = bytes;
    }

    public Path path() {
        return path;
    }

    public long bytes() {
        return bytes;
    }

    /** Deletes the file; closing twice is harmless. */
    @Override
    public void close() {
        delete(path);
    }

    /** A new empty file only this process's user can read, in {@code dir} or (null) the system's temp folder. */
    static Path create(Path dir) {
        try {
            return dir == null ? Files.createTempFile("vidgate-media-", ".bin")
                    : Files.createTempFile(dir, "vidgate-media-", ".bin");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void delete(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException ignored) {
            // A temp file that cannot be deleted now is left to the OS's temp cleaner; nothing else can be done.
        }
    }
}
