package io.vidgate.media;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/**
 * Checks an ISO base media file (MP4, MOV, M4A) before isoparser reads it: every box must lie inside its parent,
 * and every sample table's declared entry count must fit in its box.
 *
 * <p>Why: isoparser allocates its tables from the declared count before reading them (a 2,765-byte MP4 whose stsz
 * claims 2^31 samples asks for a 16 GB array). This walk only reads box headers and counts, at most
 * {@value #MAX_BOXES} boxes and {@value #MAX_DEPTH} levels deep, so it is linear in the size-limited file.
 */
final class IsoTableGuard {

    static final int MAX_BOXES = 100_000;
    static final int MAX_DEPTH = 16;
    /** Samples a track run without per-sample fields may claim (an hour at 240 fps is 864,000). */
    static final long MAX_RUN_SAMPLES = 1_000_000;

    private static final Set<String> CONTAINERS = Set.of(
            "moov", "trak", "mdia", "minf", "stbl", "edts", "dinf", "mvex", "moof", "traf", "udta");

    /** Count-carrying full boxes: offset of the 32-bit count after the version/flags word, and bytes per entry. */
    private record Table(int countOffset, int entryBytes) {
    }

    private static final Map<String, Table> TABLES = Map.of(
            "stts", new Table(0, 8),
            "ctts", new Table(0, 8),
            "stsc", new Table(0, 12),
            "stco", new Table(0, 4),
            "co64", new Table(0, 8),
            "stss", new Table(0, 4),
            "stps", new Table(0, 4),
            "elst", new Table(0, 12));

    private final ByteBuffer data;
    private int boxes;

    private IsoTableGuard(ByteBuffer data) {
        this.data = data;
    }

    static void check(Path file) throws IOException {
        ByteBuffer data = MappedMedia.map(file);
        new IsoTableGuard(data).walk(0, data.limit(), 0);
    }

    private void walk(long start, long end, int depth) throws IOException {
        if (depth > MAX_DEPTH) {
            throw new IOException("boxes nested too deep");
        }
        long position = start;
        while (position + 8 <= end) {
            if (++boxes > MAX_BOXES) {
                throw new IOException("too many boxes");
            }
            long size = data.getInt((int) position) & 0xFFFFFFFFL;
            String type = type((int) position + 4);
            int header = 8;
            if (size == 1) {
                if (position + 16 > end) {
                    throw new IOException("truncated box");
                }
                size = data.getLong((int) position + 8);
                header = 16;
            } else if (size == 0) {
                size = end - position;
            }
            if (size < header || size > end - position) {
                throw new IOException("box " + type + " outside its parent");
            }
            long content = position + header;
            long contentBytes = size - header;
            if (CONTAINERS.contains(type)) {
                walk(content, position + size, depth + 1);
            } else if (type.equals("stsz")) {
                checkCount(type, content, contentBytes, 8, data.getInt((int) content + 4) == 0 ? 4 : 0);
            } else if (type.equals("trun")) {
                checkTrackRun(content, contentBytes);
            } else if (TABLES.containsKey(type)) {
                Table table = TABLES.get(type);
                int entry = table.entryBytes();
                if (type.equals("elst") && contentBytes > 0 && data.get((int) content) == 1) {
                    entry = 20; // version 1: 64-bit durations and times
                }
                checkCount(type, content, contentBytes, 4 + table.countOffset(), entry);
            }
            position += size;
        }
    }

    /** The count at {@code countAt} (after the version/flags word) times the entry size must fit the content. */
    private void checkCount(String type, long content, long contentBytes, int countAt, int entryBytes)
            throws IOException {
        if (contentBytes < countAt + 4) {
            throw new IOException("truncated " + type);
        }
        long count = data.getInt((int) (content + countAt)) & 0xFFFFFFFFL;
        if (count * entryBytes > contentBytes - countAt - 4) {
            throw new IOException(type + " claims more entries than it holds");
        }
    }

    /** A track run's entry holds 4 bytes per field its flags name; with none, its count alone is bounded. */
    private void checkTrackRun(long content, long contentBytes) throws IOException {
        if (contentBytes < 8) {
            throw new IOException("truncated trun");
        }
        int flags = data.getInt((int) content) & 0xFFFFFF;
        int entryBytes = 4 * Integer.bitCount(flags & 0xF00);
        if (entryBytes > 0) {
            checkCount("trun", content, contentBytes, 4, entryBytes);
        } else if ((data.getInt((int) content + 4) & 0xFFFFFFFFL) > MAX_RUN_SAMPLES) {
            throw new IOException("trun claims too many samples");
        }
    }

    private String type(int at) {
        char[] chars = new char[4];
        for (int i = 0; i < 4; i++) {
            chars[i] = (char) (data.get(at + i) & 0xFF);
        }
        return new String(chars);
    }
}
