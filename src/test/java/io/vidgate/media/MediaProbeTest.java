package io.vidgate.media;

import io.vidgate.http.ApiException;
import io.vidgate.http.Errors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every supported format read from a real file (src/test/resources/media, made by make-fixtures.sh). */
class MediaProbeTest {

    private final MediaProbe probe = new MediaProbe(Duration.ofSeconds(5));

    @TempDir
    Path dir;

    static Path fixture(String name) {
        try {
            return Path.of(MediaProbeTest.class.getResource("/media/" + name).toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("missing fixture " + name, e);
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            // file,                  format, width, height, millis, frames, fps
            "video-landscape.mp4,     mp4,    320,   180,    4000,   96,     24",
            "video-portrait.mp4,      mp4,    180,   320,    3000,   75,     25",
            "video-short.mp4,         mp4,    320,   180,    2000,   48,     24",
            "video-2160p.mp4,         mp4,    3840,  2160,   1000,   24,     24",
            "video-over-2160p.mp4,    mp4,    4096,  2304,   1000,   24,     24",
            "video.mov,               mov,    320,   180,    3000,   90,     30",
            "video.mkv,               mkv,    320,   180,    4000,   96,     24",
            "video.webm,              mkv,    180,   320,    3000,   75,     25",
    })
    void readsVideos(String file, String format, int width, int height, long millis, long frames, double fps) {
        MediaInfo info = probe.read("video_uri", fixture(file), MediaKind.VIDEO);
        assertEquals(MediaKind.VIDEO, info.kind());
        assertEquals(format, info.format());
        assertEquals(width, info.width());
        assertEquals(height, info.height());
        assertEquals(millis, info.durationMillis(), 50);
        assertEquals(frames, info.frames());
        assertEquals(fps, info.fps(), 0.01);
        assertEquals(size(file), info.bytes());
    }

    @Test
    void orientationOfVideos() {
        assertTrue(probe.read("video_uri", fixture("video-landscape.mp4"), MediaKind.VIDEO).landscape());
        assertTrue(probe.read("video_uri", fixture("video-portrait.mp4"), MediaKind.VIDEO).portrait());
        assertTrue(probe.read("video_uri", fixture("video.webm"), MediaKind.VIDEO).portrait());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            // ffprobe's durations; MP3 counts whole frames (576 samples at 8 kHz), so it runs a little longer
            "audio-1s.wav,         wav, 1000",
            "audio-3s.wav,         wav, 3000",
            "audio-1s.mp3,         mp3, 1152",
            "audio-3s.mp3,         mp3, 3168",
            "audio-25s.mp3,        mp3, 25200",
            "audio-1s.m4a,         m4a, 1000",
            "audio-3s.m4a,         m4a, 3000",
            "audio-25s.m4a,        m4a, 25000",
            "audio-1s.vorbis.ogg,  ogg, 1000",
            "audio-3s.vorbis.ogg,  ogg, 3000",
            "audio-25s.vorbis.ogg, ogg, 25000",
            "audio-1s.opus.ogg,    ogg, 1000",
            "audio-3s.opus.ogg,    ogg, 3000",
            "audio-25s.opus.ogg,   ogg, 25000",
            "audio-only.mp4,       m4a, 3000",
    })
    void readsAudio(String file, String format, long millis) {
        MediaInfo info = probe.read("audio_uri", fixture(file), MediaKind.AUDIO);
        assertEquals(MediaKind.AUDIO, info.kind());
        assertEquals(format, info.format());
        assertEquals(millis, info.durationMillis(), 50);
        assertEquals(0, info.width());
        assertEquals(0, info.frames());
        assertEquals(size(file), info.bytes());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "image-landscape.png,  png,  64, 36",
            "image-portrait.png,   png,  36, 64",
            "image-landscape.jpg,  jpeg, 64, 36",
            "image-portrait.jpg,   jpeg, 36, 64",
            "image-landscape.webp, webp, 64, 36",
            "image-portrait.webp,  webp, 36, 64",
    })
    void readsImages(String file, String format, int width, int height) {
        MediaInfo info = probe.read("image_uri", fixture(file), MediaKind.IMAGE);
        assertEquals(MediaKind.IMAGE, info.kind());
        assertEquals(format, info.format());
        assertEquals(width, info.width());
        assertEquals(height, info.height());
        assertEquals(0, info.durationMillis());
        assertEquals(width > height, info.landscape());
    }

    @Test
    void aJpegTurnedByItsExifOrientationIsSeenAsItIsShown() throws IOException {
        byte[] jpeg = Files.readAllBytes(fixture("image-landscape.jpg"));
        byte[] exif = {
                (byte) 0xFF, (byte) 0xE1, 0, 34, 'E', 'x', 'i', 'f', 0, 0,     // APP1, length, Exif header
                'M', 'M', 0, 42, 0, 0, 0, 8,                                   // big-endian TIFF, IFD0 at 8
                0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0,               // one entry: Orientation = 6
                0, 0, 0, 0};                                                   // no next IFD
        byte[] turned = new byte[jpeg.length + exif.length];
        System.arraycopy(jpeg, 0, turned, 0, 2);
        System.arraycopy(exif, 0, turned, 2, exif.length);
        System.arraycopy(jpeg, 2, turned, 2 + exif.length, jpeg.length - 2);
        MediaInfo info = probe.read("image_uri", Files.write(dir.resolve("turned.jpg"), turned), MediaKind.IMAGE);
        assertEquals(36, info.width());
        assertEquals(64, info.height());
        assertTrue(info.portrait(), "stored 64x36, shown turned a quarter");
    }

    @ParameterizedTest(name = "{0} as {1}")
    @CsvSource(delimiter = '|', value = {
            "image-landscape.png|VIDEO|video_uri must be a video (mp4, mov or mkv)",
            "audio-3s.mp3|VIDEO|video_uri must be a video (mp4, mov or mkv)",
            "not-media.txt|VIDEO|video_uri must be a video (mp4, mov or mkv)",
            "not-media.txt|AUDIO|audio_uri must be an audio file (wav, mp3, m4a or ogg)",
            "not-media.txt|IMAGE|image_uri must be an image (png, jpeg or webp)",
            "video.mkv|AUDIO|audio_uri must be an audio file (wav, mp3, m4a or ogg)",
            "video-landscape.mp4|AUDIO|audio_uri must be an audio file (wav, mp3, m4a or ogg), not a video",
            "video-landscape.mp4|IMAGE|image_uri must be an image (png, jpeg or webp)",
            "audio-only.mp4|VIDEO|video_uri has no video track",
            "audio-only.webm|VIDEO|video_uri has no video track",
            "audio-only.webm|AUDIO|audio_uri must be an audio file (wav, mp3, m4a or ogg)",
            "audio-3s.wav|IMAGE|image_uri must be an image (png, jpeg or webp)",
            "video-truncated.mp4|VIDEO|video_uri is not a readable video",
    })
    void refusesTheWrongKindOrUnreadableFiles(String file, MediaKind kind, String message) {
        String field = kind.name().toLowerCase() + "_uri";
        assertBadRequest(message, () -> probe.read(field, fixture(file), kind));
    }

    @Test
    void refusesAnEmptyFile() throws IOException {
        Path empty = Files.createFile(dir.resolve("empty"));
        assertBadRequest("video_uri is empty", () -> probe.read("video_uri", empty, MediaKind.VIDEO));
    }

    @Test
    void refusesRandomBytes() throws IOException {
        byte[] bytes = new byte[4096];
        new Random(8).nextBytes(bytes);
        bytes[0] = 0x42; // not by chance a JPEG or MP3 sync byte
        Path random = Files.write(dir.resolve("random"), bytes);
        assertBadRequest("video_uri must be a video (mp4, mov or mkv)",
                () -> probe.read("video_uri", random, MediaKind.VIDEO));
    }

    @ParameterizedTest(name = "{0} cut to {1} bytes")
    @CsvSource({
            "video.mkv, 200, video_uri, VIDEO, video_uri is not a readable video",
            "video.webm, 100, video_uri, VIDEO, video_uri is not a readable video",
            "video.mov, 40, video_uri, VIDEO, video_uri is not a readable video",
            "audio-3s.opus.ogg, 1000, audio_uri, AUDIO, audio_uri is not a readable audio file",
            "audio-3s.wav, 30, audio_uri, AUDIO, audio_uri is not a readable audio file",
            "audio-3s.m4a, 300, audio_uri, AUDIO, audio_uri is not a readable audio file",
            "image-landscape.png, 20, image_uri, IMAGE, image_uri is not a readable image",
            "image-landscape.jpg, 10, image_uri, IMAGE, image_uri is not a readable image",
            "image-landscape.webp, 16, image_uri, IMAGE, image_uri is not a readable image",
    })
    void refusesTruncatedFiles(String file, int keep, String field, MediaKind kind, String message)
            throws IOException {
        byte[] bytes = Files.readAllBytes(fixture(file));
        Path cut = Files.write(dir.resolve("cut"), java.util.Arrays.copyOf(bytes, keep));
        assertBadRequest(message, () -> probe.read(field, cut, kind));
    }

    @Test
    void refusesAHugeDeclaredImageSize() throws IOException {
        byte[] png = Files.readAllBytes(fixture("image-landscape.png"));
        // IHDR width and height (bytes 16..23) set to 100000 x 100000.
        for (int at : new int[] {16, 20}) {
            png[at] = 0;
            png[at + 1] = 0x01;
            png[at + 2] = (byte) 0x86;
            png[at + 3] = (byte) 0xA0;
        }
        Path huge = Files.write(dir.resolve("huge.png"), png);
        assertBadRequest("image_uri is larger than 16384 pixels on a side (100000x100000)",
                () -> probe.read("image_uri", huge, MediaKind.IMAGE));
    }

    @Test
    void probesOnAWorkerThreadWithinItsTimeBound() {
        MediaInfo info = probe.probe("video_uri", fixture("video-short.mp4"), MediaKind.VIDEO)
                .await().atMost(Duration.ofSeconds(10));
        assertEquals(48, info.frames(), "fewer than 73 frames: what retake and extend refuse");
        ApiException failed = assertThrows(ApiException.class, () -> probe
                .probe("video_uri", fixture("image-portrait.png"), MediaKind.VIDEO)
                .await().atMost(Duration.ofSeconds(10)));
        assertEquals(400, failed.status());
    }

    @Test
    void aProbeThatTakesTooLongIsA400() throws Exception {
        // Reading a named pipe that nobody writes blocks the reader: only the time bound can answer.
        Path pipe = dir.resolve("pipe");
        assertEquals(0, new ProcessBuilder("mkfifo", pipe.toString()).start().waitFor());
        MediaProbe impatient = new MediaProbe(Duration.ofMillis(200));
        ApiException failed = assertThrows(ApiException.class, () -> impatient
                .probe("video_uri", pipe, MediaKind.VIDEO)
                .await().atMost(Duration.ofSeconds(10)));
        assertEquals(400, failed.status());
        assertEquals("video_uri could not be read in time", failed.getMessage());
        Files.newOutputStream(pipe).close(); // lets the blocked reader go
    }

    static void assertBadRequest(String message, org.junit.jupiter.api.function.Executable call) {
        Errors.InvalidRequest e = assertThrows(Errors.InvalidRequest.class, call);
        assertEquals(message, e.getMessage());
    }

    private static long size(String file) {
        try {
            return Files.size(fixture(file));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
