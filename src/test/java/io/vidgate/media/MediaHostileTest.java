package io.vidgate.media;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static io.vidgate.media.MediaProbeTest.assertBadRequest;
import static io.vidgate.media.MediaProbeTest.fixture;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/** Real fixtures with one header field made hostile: each must be a quick 400, never an OOM or a 500. */
class MediaHostileTest {

    private final MediaProbe probe = new MediaProbe(Duration.ofSeconds(5));

    @TempDir
    Path dir;

    private static int find(byte[] bytes, String text) {
        byte[] needle = text.getBytes(StandardCharsets.ISO_8859_1);
        outer:
        for (int i = 0; i <= bytes.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (bytes[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new IllegalStateException("no " + text);
    }

    /** The fixture with a 32-bit big-endian value written {@code offset} bytes after the first {@code marker}. */
    private Path patched(String fixture, String marker, int offset, int value) throws IOException {
        byte[] bytes = Files.readAllBytes(fixture(fixture));
        ByteBuffer.wrap(bytes).putInt(find(bytes, marker) + offset, value);
        return Files.write(dir.resolve("patched-" + fixture), bytes);
    }

    private void assertUnreadableVideo(Path file) {
        assertTimeoutPreemptively(Duration.ofSeconds(2), () -> assertBadRequest("video_uri is not a readable video",
                () -> probe.read("video_uri", file, MediaKind.VIDEO)));
    }

    @Test
    void anMp4WhoseSampleTableClaimsBillionsOfSamples() throws IOException {
        // stsz: type, version/flags, sample size, sample count
        assertUnreadableVideo(patched("video-portrait.mp4", "stsz", 12, 0x7FFFFFFF));
        assertUnreadableVideo(patched("video-portrait.mp4", "stsz", 12, 0x10000000));
    }

    @Test
    void anMp4WhoseOtherTablesClaimTooMuch() throws IOException {
        for (String table : new String[] {"stts", "stsc", "stco"}) {
            assertUnreadableVideo(patched("video-portrait.mp4", table, 8, 0x7FFFFFFF));
        }
    }

    @Test
    void anMp4BoxLargerThanTheFile() throws IOException {
        assertUnreadableVideo(patched("video-portrait.mp4", "moov", -4, 0x7FFFFFF0));
        assertUnreadableVideo(patched("video-portrait.mp4", "trak", -4, 0x00FFFFFF));
    }

    @Test
    void anMp4ClaimingAHugePicture() throws IOException {
        // tkhd width is 16.16 fixed point, 76 bytes into the (version 0) box content
        Path file = patched("video-portrait.mp4", "tkhd", 4 + 76, 0x7FFF0000);
        assertBadRequest("video_uri is larger than 16384 pixels on a side (32767x320)",
                () -> probe.read("video_uri", file, MediaKind.VIDEO));
    }

    @Test
    void aMatroskaFileClaimingAHugePicture() throws IOException {
        byte[] bytes = Files.readAllBytes(fixture("video.mkv"));
        int width = find(bytes, "\u00b0\u0082"); // PixelWidth with a 2-byte value (320)
        bytes[width + 2] = (byte) 0x7F;
        Path file = Files.write(dir.resolve("wide.mkv"), bytes);
        assertBadRequest("video_uri is larger than 16384 pixels on a side (32576x180)",
                () -> probe.read("video_uri", file, MediaKind.VIDEO));
    }

    @Test
    void aMatroskaElementLargerThanItsParent() throws IOException {
        byte[] bytes = Files.readAllBytes(fixture("video.mkv"));
        // Tracks, then its 8-byte size (the first occurrence is the SeekHead's pointer to it)
        int seek = find(bytes, "\u0016\u0054\u00ae\u006b");
        byte[] rest = java.util.Arrays.copyOfRange(bytes, seek + 4, bytes.length);
        int tracks = seek + 4 + find(rest, "\u0016\u0054\u00ae\u006b");
        bytes[tracks + 4] = 0x01;
        for (int i = 5; i < 12; i++) {
            bytes[tracks + i] = (byte) 0x7F;
        }
        Path file = Files.write(dir.resolve("bad.mkv"), bytes);
        assertUnreadableVideo(file);
    }

    @Test
    void anOggPageThatIsCutShort() throws IOException {
        byte[] bytes = Files.readAllBytes(fixture("audio-3s.opus.ogg"));
        bytes[bytes.length - 300] ^= 0x55; // somewhere in the last pages: the walk no longer finds OggS
        Path file = Files.write(dir.resolve("bad.ogg"), java.util.Arrays.copyOf(bytes, bytes.length - 7));
        assertBadRequest("audio_uri is not a readable audio file",
                () -> probe.read("audio_uri", file, MediaKind.AUDIO));
    }

    /** Like {@link #patched} with a little-endian value (RIFF). */
    private Path patchedLittleEndian(String fixture, String marker, int offset, int value) throws IOException {
        byte[] bytes = Files.readAllBytes(fixture(fixture));
        ByteBuffer.wrap(bytes).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(find(bytes, marker) + offset, value);
        return Files.write(dir.resolve("patched-" + fixture), bytes);
    }

    @Test
    void riffAndPngChunksClaimingGigabytesAreRefusedBeforeAnyAllocation() throws IOException {
        for (String chunk : new String[] {"fmt ", "LIST", "data"}) {
            Path wav = patchedLittleEndian("audio-3s.wav", chunk, 4, 0x7FFFFFF0);
            assertTimeoutPreemptively(Duration.ofSeconds(2), () -> assertBadRequest(
                    "audio_uri is not a readable audio file", () -> probe.read("audio_uri", wav, MediaKind.AUDIO)));
        }
        Path webp = patchedLittleEndian("image-landscape.webp", "VP8", 4, 0x7FFFFFF0);
        Path png = patched("image-landscape.png", "IHDR", -4, 0x7FFFFFF0);
        for (Path image : new Path[] {webp, png}) {
            assertTimeoutPreemptively(Duration.ofSeconds(2), () -> assertBadRequest(
                    "image_uri is not a readable image", () -> probe.read("image_uri", image, MediaKind.IMAGE)));
        }
    }

    @Test
    void aRotatedRecordingIsSeenAsItIsShown() {
        MediaInfo info = probe.read("video_uri", fixture("video-rotated.mp4"), MediaKind.VIDEO);
        assertEquals(180, info.width());
        assertEquals(320, info.height());
        assertEquals(48, info.frames());
    }
}
