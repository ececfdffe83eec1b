package io.vidgate.media;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;

/**
 * Duration of an Ogg Opus stream: the last granule position of the first logical stream, less the pre-skip, at
 * Opus's fixed 48 kHz granule rate (RFC 7845, sections 4 and 5.1).
 *
 * <p>Hand-written because jaudiotagger, the maintained Java audio library used for MP3, WAV and Ogg Vorbis, has no
 * Opus reader (3.0.1). It only walks page headers, each checked for the capture pattern and bounded by the file's
 * end, so its work is linear in the (already size-limited) file and it allocates nothing per page.
 */
final class OggOpusReader {

    private static final int PAGE_HEADER = 27;
    private static final int OPUS_GRANULE_RATE = 48_000;

    private OggOpusReader() {
    }

    static boolean isOpus(byte[] head) {
        return packetStarts(head, "OpusHead".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }

    static boolean isVorbis(byte[] head) {
        return packetStarts(head, new byte[] {1, 'v', 'o', 'r', 'b', 'i', 's'});
    }

    /** The first packet of the first page, which identifies the codec of an Ogg stream. */
    private static boolean packetStarts(byte[] head, byte[] magic) {
        if (head.length < PAGE_HEADER) {
            return false;
        }
        int start = PAGE_HEADER + (head[26] & 0xFF);
        if (head.length < start + magic.length) {
            return false;
        }
        for (int i = 0; i < magic.length; i++) {
            if (head[start + i] != magic[i]) {
                return false;
            }
        }
        return true;
    }

    /** Duration in milliseconds; IOException for anything that is not a well-formed Opus stream. */
    static long read(Path file) throws IOException {
        ByteBuffer data = MappedMedia.map(file).order(ByteOrder.LITTLE_ENDIAN);
        int size = data.limit();
        long serial = -1;
        int preSkip = -1;
        long lastGranule = -1;
        int position = 0;
        while (position < size) {
            if (position + PAGE_HEADER > size || data.getInt(position) != 0x5367674F /* "OggS" */
                    || data.get(position + 4) != 0) {
                throw new IOException("not an Ogg page at " + position);
            }
            long granule = data.getLong(position + 6);
            long pageSerial = data.getInt(position + 14) & 0xFFFFFFFFL;
            int segments = data.get(position + 26) & 0xFF;
            int body = position + PAGE_HEADER + segments;
            if (body > size) {
                throw new IOException("truncated Ogg page");
            }
            int length = 0;
            for (int i = 0; i < segments; i++) {
                length += data.get(position + PAGE_HEADER + i) & 0xFF;
            }
            if ((long) body + length > size) {
                throw new IOException("truncated Ogg page");
            }
            if (serial < 0) {
                if (length < 19 || data.getLong(body) != 0x646165487375704FL /* "OpusHead" */) {
                    throw new IOException("not an Opus stream");
                }
                serial = pageSerial;
                preSkip = data.getShort(body + 10) & 0xFFFF;
            } else if (pageSerial == serial && granule != -1) {
                lastGranule = granule;
            }
            position = body + length;
        }
        if (lastGranule <= preSkip) {
            return 0;
        }
        return (lastGranule - preSkip) * 1000 / OPUS_GRANULE_RATE;
    }
}
