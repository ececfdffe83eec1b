package io.vidgate.media;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Size, duration, frame count and frame rate of a Matroska or WebM video.
 *
 * <p>Hand-written because no maintained Java library reads Matroska headers (the EBML readers on Maven Central are
 * abandoned or pull in a whole media framework; isoparser, jaudiotagger and metadata-extractor do not read it).
 * It reads only what is needed: EBML DocType; Segment Info (TimecodeScale, Duration); the first video TrackEntry
 * (TrackNumber, DefaultDuration, PixelWidth, PixelHeight); and the frames of that track, counted from the
 * SimpleBlock and Block headers of every Cluster (with their lace counts). If there are no blocks, frames are
 * duration / DefaultDuration. The frame rate is 1 s / DefaultDuration, else frames / duration.
 *
 * <p>Bounds: every element must lie inside its parent and the file, IDs are at most 4 bytes and sizes at most 8,
 * nesting is fixed by the code (at most 4 levels), and at most {@value #MAX_ELEMENTS} elements are visited, so
 * the work is linear in the (already size-limited) file whatever the headers claim.
 */
final class MatroskaReader {

    static final int MAX_ELEMENTS = 2_000_000;

    private static final int EBML = 0x1A45DFA3;
    private static final int DOC_TYPE = 0x4282;
    private static final int SEGMENT = 0x18538067;
    private static final int INFO = 0x1549A966;
    private static final int TIMECODE_SCALE = 0x2AD7B1;
    private static final int DURATION = 0x4489;
    private static final int TRACKS = 0x1654AE6B;
    private static final int TRACK_ENTRY = 0xAE;
    private static final int TRACK_NUMBER = 0xD7;
    private static final int TRACK_TYPE = 0x83;
    private static final int DEFAULT_DURATION = 0x23E383;
    private static final int VIDEO = 0xE0;
    private static final int PIXEL_WIDTH = 0xB0;
    private static final int PIXEL_HEIGHT = 0xBA;
    private static final int CLUSTER = 0x1F43B675;
    private static final int SIMPLE_BLOCK = 0xA3;
    private static final int BLOCK_GROUP = 0xA0;
    private static final int BLOCK = 0xA1;
    private static final int TRACK_TYPE_VIDEO = 1;

    private final ByteBuffer data;
    private int elements;

    private long timecodeScale = 1_000_000;
    private double duration = -1;
    private long videoTrack = -1;
    private long defaultDuration;
    private long width;
    private long height;
    private long frames;

    private MatroskaReader(ByteBuffer data) {
        this.data = data;
    }

    /** The video's info, or null for a well-formed file without a video track (a WebM of sound only). */
    static MediaInfo read(Path file, long size) throws IOException {
        MatroskaReader reader = new MatroskaReader(MappedMedia.map(file));
        reader.readFile();
        return reader.videoTrack < 0 ? null : reader.toInfo(size);
    }

    private void readFile() throws IOException {
        int end = data.limit();
        Element header = element(0, end);
        if (header.id != EBML || !isMatroska(header)) {
            throw new IOException("not a Matroska file");
        }
        Element segment = element(header.end, end);
        if (segment.id != SEGMENT) {
            throw new IOException("no Segment");
        }
        for (int p = segment.start; p < segment.end; ) {
            Element child = element(p, segment.end);
            switch (child.id) {
                case INFO -> readInfo(child);
                case TRACKS -> readTracks(child);
                default -> { }
            }
            p = child.id == CLUSTER ? readCluster(child) : child.end;
        }
    }

    private boolean isMatroska(Element header) throws IOException {
        for (int p = header.start; p < header.end; ) {
            Element child = element(p, header.end);
            if (child.id == DOC_TYPE) {
                String type = string(child);
                return type.equals("matroska") || type.equals("webm");
            }
            p = child.end;
        }
        return false;
    }

    private void readInfo(Element info) throws IOException {
        for (int p = info.start; p < info.end; ) {
            Element child = element(p, info.end);
            if (child.id == TIMECODE_SCALE) {
                timecodeScale = unsigned(child);
            } else if (child.id == DURATION) {
                duration = child.size() == 4 ? data.getFloat(child.start)
                        : child.size() == 8 ? data.getDouble(child.start) : -1;
            }
            p = child.end;
        }
    }

    private void readTracks(Element tracks) throws IOException {
        for (int p = tracks.start; p < tracks.end; ) {
            Element entry = element(p, tracks.end);
            if (entry.id == TRACK_ENTRY && videoTrack < 0) {
                readTrackEntry(entry);
            }
            p = entry.end;
        }
    }

    private void readTrackEntry(Element entry) throws IOException {
        long number = -1;
        long type = 0;
        long frameDuration = 0;
        long w = 0;
        long h = 0;
        for (int p = entry.start; p < entry.end; ) {
            Element child = element(p, entry.end);
            switch (child.id) {
                case TRACK_NUMBER -> number = unsigned(child);
                case TRACK_TYPE -> type = unsigned(child);
                case DEFAULT_DURATION -> frameDuration = unsigned(child);
                case VIDEO -> {
                    for (int q = child.start; q < child.end; ) {
                        Element video = element(q, child.end);
                        if (video.id == PIXEL_WIDTH) {
                            w = unsigned(video);
                        } else if (video.id == PIXEL_HEIGHT) {
                            h = unsigned(video);
                        }
                        q = video.end;
                    }
                }
                default -> { }
            }
            p = child.end;
        }
        if (type == TRACK_TYPE_VIDEO && number > 0) {
            videoTrack = number;
            defaultDuration = frameDuration;
            width = w;
            height = h;
        }
    }

    /** Counts the cluster's blocks; returns where the Segment goes on (an open-sized cluster ends at the next). */
    private int readCluster(Element cluster) throws IOException {
        for (int p = cluster.start; p < cluster.end; ) {
            Element child = element(p, cluster.end);
            if (child.id == CLUSTER) {
                return p;
            }
            if (child.id == SIMPLE_BLOCK) {
                countBlock(child);
            } else if (child.id == BLOCK_GROUP) {
                for (int q = child.start; q < child.end; ) {
                    Element block = element(q, child.end);
                    if (block.id == BLOCK) {
                        countBlock(block);
                    }
                    q = block.end;
                }
            }
            p = child.end;
        }
        return cluster.end;
    }

    /** A block starts with its track number (a vint), a 16-bit timecode and flags; laced blocks hold n frames. */
    private void countBlock(Element block) throws IOException {
        int first = byteAt(block.start, block.end);
        int length = Integer.numberOfLeadingZeros(first) - 23;
        if (first == 0 || length > 8 || block.start + length + 3 > block.end) {
            throw new IOException("bad block header");
        }
        long track = first & (0xFF >> length);
        for (int i = 1; i < length; i++) {
            track = (track << 8) | (data.get(block.start + i) & 0xFF);
        }
        if (track != videoTrack) {
            return;
        }
        int flags = data.get(block.start + length + 2) & 0xFF;
        if ((flags & 0x06) == 0) {
            frames++;
        } else {
            frames += byteAt(block.start + length + 3, block.end) + 1L;
        }
    }

    private MediaInfo toInfo(long size) {
        long millis = duration > 0 ? Math.round(duration * timecodeScale / 1_000_000.0) : 0;
        if (millis == 0 && defaultDuration > 0) {
            millis = Math.round(frames * defaultDuration / 1_000_000.0);
        }
        if (frames == 0 && defaultDuration > 0) {
            frames = Math.round(millis * 1_000_000.0 / defaultDuration);
        }
        double fps = defaultDuration > 0 ? 1e9 / defaultDuration : millis > 0 ? frames * 1000.0 / millis : 0;
        int w = (int) Math.min(width, Integer.MAX_VALUE);
        int h = (int) Math.min(height, Integer.MAX_VALUE);
        return new MediaInfo(MediaKind.VIDEO, "mkv", size, w, h, millis, frames, fps);
    }

    /** One element header at {@code position}; its data must lie inside {@code parentEnd}. */
    private Element element(int position, int parentEnd) throws IOException {
        if (++elements > MAX_ELEMENTS) {
            throw new IOException("too many elements");
        }
        int first = byteAt(position, parentEnd);
        int idLength = Integer.numberOfLeadingZeros(first) - 23;
        if (first == 0 || idLength > 4 || position + idLength > parentEnd) {
            throw new IOException("bad element id");
        }
        int id = 0;
        for (int i = 0; i < idLength; i++) {
            id = (id << 8) | (data.get(position + i) & 0xFF);
        }
        int sizeAt = position + idLength;
        int sizeFirst = byteAt(sizeAt, parentEnd);
        int sizeLength = Integer.numberOfLeadingZeros(sizeFirst) - 23;
        if (sizeFirst == 0 || sizeLength > 8 || sizeAt + sizeLength > parentEnd) {
            throw new IOException("bad element size");
        }
        long size = sizeFirst & (0xFF >> sizeLength);
        boolean unknown = size == (0xFF >> sizeLength);
        for (int i = 1; i < sizeLength; i++) {
            int b = data.get(sizeAt + i) & 0xFF;
            unknown &= b == 0xFF;
            size = (size << 8) | b;
        }
        int start = sizeAt + sizeLength;
        if (unknown && (id == SEGMENT || id == CLUSTER)) {
            // A live recording's Segment or Cluster may leave its size open: it then runs to its parent's end.
            return new Element(id, start, parentEnd);
        }
        if (unknown || size > parentEnd - start) {
            throw new IOException("element outside its parent");
        }
        return new Element(id, start, start + (int) size);
    }

    private int byteAt(int position, int end) throws IOException {
        if (position >= end) {
            throw new IOException("truncated");
        }
        return data.get(position) & 0xFF;
    }

    private long unsigned(Element element) throws IOException {
        if (element.size() > 8) {
            throw new IOException("integer too long");
        }
        long value = 0;
        for (int p = element.start; p < element.end; p++) {
            value = (value << 8) | (data.get(p) & 0xFF);
        }
        return value;
    }

    private String string(Element element) throws IOException {
        if (element.size() > 64) {
            throw new IOException("string too long");
        }
        byte[] bytes = new byte[element.size()];
        data.get(element.start, bytes);
        return new String(bytes, StandardCharsets.US_ASCII).replace("\0", "");
    }

    private record Element(int id, int start, int end) {
        int size() {
            return end - start;
        }
    }
}
