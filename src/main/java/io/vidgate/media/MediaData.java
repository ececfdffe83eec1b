package io.vidgate.media;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vidgate.http.Errors;
import jakarta.enterprise.context.ApplicationScoped;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Locale;

/**
 * Decodes an inline {@code data:<type>;base64,...} URI into a {@link TempMedia}, so that inline media is probed
 * exactly like fetched media. The declared type is not trusted: {@link MediaProbe} reads the format from the bytes.
 */
@ApplicationScoped
public class MediaData {

    private static final int CHUNK = 64 * 1024;

    private final Path tempDir;

    public MediaData() {
        this(null);
    }

    /** @param tempDir where decoded files go; null for the system's temp folder */
    MediaData(Path tempDir) {
        this.tempDir = tempDir;
    }

    /** Decodes on a worker thread (the file is written with blocking I/O). */
    public Uni<TempMedia> decode(String field, String dataUri, long maxBytes) {
        return Uni.createFrom().item(() -> decodeBlocking(field, dataUri, maxBytes))
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }

    /**
     * Decodes on the calling thread: 413 ({@link Errors.TooLarge}) as soon as more than {@code maxBytes} would be
     * written (at once when the encoded length already says so), 400 for a URI that is not base64.
     */
    public TempMedia decodeBlocking(String field, String dataUri, long maxBytes) {
        int comma = dataUri.indexOf(',');
        String header = comma < 0 || !dataUri.regionMatches(true, 0, "data:", 0, 5)
                ? "" : dataUri.substring(5, comma).toLowerCase(Locale.ROOT);
        if (!header.endsWith(";base64")) {
            throw new Errors.InvalidRequest(field + " must be a base64 data URI (data:<type>;base64,...)");
        }
        long encoded = dataUri.length() - comma - 1L;
        if (encoded / 4 * 3 - 2 > maxBytes) {
            throw new Errors.TooLarge();
        }
        Path file = TempMedia.create(tempDir);
        try (InputStream in = Base64.getDecoder().wrap(new AsciiStream(dataUri, comma + 1));
             OutputStream out = Files.newOutputStream(file)) {
            byte[] buffer = new byte[CHUNK];
            long total = 0;
            for (int n; (n = in.read(buffer)) > 0; ) {
                total += n;
                if (total > maxBytes) {
                    throw new Errors.TooLarge();
                }
                out.write(buffer, 0, n);
            }
            if (total == 0) {
                throw new Errors.InvalidRequest(field + " is empty");
            }
            return new TempMedia(file, total);
        } catch (IOException e) {
            TempMedia.delete(file);
            if (e.getMessage() != null && e.getMessage().toLowerCase(Locale.ROOT).contains("base64")) {
                throw new Errors.InvalidRequest(field + " is not valid base64");
            }
            throw new UncheckedIOException(e);
        } catch (IllegalArgumentException e) {
            TempMedia.delete(file);
            throw new Errors.InvalidRequest(field + " is not valid base64");
        } catch (RuntimeException e) {
            TempMedia.delete(file);
            throw e;
        }
    }

    /** The characters of a String from an offset as bytes, without copying the (up to 43 MB) base64 text. */
    private static final class AsciiStream extends InputStream {
        private final String text;
        private int position;

        AsciiStream(String text, int start) {
            this.text = text;
            this.position = start;
        }

        @Override
        public int read() {
            if (position >= text.length()) {
                return -1;
            }
            char c = text.charAt(position++);
            return c < 128 ? c : '?'; // not base64: the decoder rejects it
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (position >= text.length()) {
                return -1;
            }
            int n = Math.min(len, text.length() - position);
            for (int i = 0; i < n; i++) {
                char c = text.charAt(position++);
                b[off + i] = (byte) (c < 128 ? c : '?');
            }
            return n;
        }
    }
}
