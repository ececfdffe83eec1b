package io.vidgate.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The real media files of src/test/resources/media (made by its make-fixtures.sh), as bytes or data URIs. */
public final class MediaFixtures {

    private MediaFixtures() {
    }

    public static byte[] bytes(String fixture) {
        try {
            return Files.readAllBytes(Path.of("src/test/resources/media", fixture));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String inline(String mediaType, String fixture) {
        return "data:" + mediaType + ";base64," + Base64.getEncoder().encodeToString(bytes(fixture));
    }

    /**
     * Asserts that no temporary media file is left in {@code dir}. Failures delete their file asynchronously, so
     * this waits up to 5 s for the directory to empty before it fails.
     */
    public static void assertNoTempFileLeft(Path dir) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (count(dir) > 0 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertEquals(0, count(dir), "temp files left behind");
    }

    private static long count(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.count();
        }
    }
}
