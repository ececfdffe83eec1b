package io.vidgate.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;

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
}
