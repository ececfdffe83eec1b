package io.vidgate.media;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;

/**
 * Checks that every chunk of a PNG or RIFF (WAV, WebP) file lies inside the file before a library reads it.
 *
 * <p>Why: metadata-extractor and jaudiotagger allocate a chunk's buffer from its declared length before reading it
 * (a 24 KB WAV whose fmt chunk claims 2 GB makes jaudiotagger allocate 2 GB). The walk reads only chunk headers,
 * at most {@value #MAX_CHUNKS} of them, so it is linear in the size-limited file.
 */
final class ChunkGuard {

    static final int MAX_CHUNKS = 100_000;

    private ChunkGuard() {
    }

    /** PNG: 8-byte signature, then chunks of (big-endian length, type, data, CRC) up to the end. */
    static void checkPng(Path file) throws IOException {
        ByteBuffer data = MappedMedia.map(file).order(ByteOrder.BIG_ENDIAN);
        long position = 8;
        int chunks = 0;
        while (position < data.limit()) {
            if (++chunks > MAX_CHUNKS || position + 12 > data.limit()) {
                throw new IOException("bad PNG chunk");
            }
            long length = data.getInt((int) position) & 0xFFFFFFFFL;
            if (length > data.limit() - position - 12) {
                throw new IOException("PNG chunk larger than the file");
            }
            position += 12 + length;
        }
    }

    /** RIFF: "RIFF", size, form type, then chunks of (id, little-endian size, data, pad byte to even). */
    static void checkRiff(Path file) throws IOException {
        ByteBuffer data = MappedMedia.map(file).order(ByteOrder.LITTLE_ENDIAN);
        long position = 12;
        int chunks = 0;
        while (position + 8 <= data.limit()) {
            if (++chunks > MAX_CHUNKS) {
                throw new IOException("too many RIFF chunks");
            }
            long size = data.getInt((int) position + 4) & 0xFFFFFFFFL;
            if (size > data.limit() - position - 8) {
                throw new IOException("RIFF chunk larger than the file");
            }
            position += 8 + size + (size & 1);
        }
    }
}
