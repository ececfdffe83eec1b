package io.vidgate.media;

import io.vidgate.http.Errors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.stream.Stream;

import static io.vidgate.media.MediaProbeTest.assertBadRequest;
import static io.vidgate.media.MediaProbeTest.fixture;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Inline media: data URIs decoded into temp files within a byte limit. */
class MediaDataTest {

    @TempDir
    Path dir;

    private MediaData data;

    private MediaData data() {
        if (data == null) {
            data = new MediaData(dir);
        }
        return data;
    }

    @AfterEach
    void onlyReturnedFilesExist() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(0, files.count(), "a failed decode leaves no file, a returned one was closed");
        }
    }

    private static String dataUri(String type, byte[] bytes) {
        return "data:" + type + ";base64," + Base64.getEncoder().encodeToString(bytes);
    }

    @Test
    void decodesIntoATempFileThatProbesLikeAFetchedOne() throws IOException {
        byte[] audio = Files.readAllBytes(fixture("audio-3s.opus.ogg"));
        try (TempMedia media = data().decodeBlocking("audio_uri", dataUri("audio/ogg", audio), 1 << 20)) {
            assertEquals(audio.length, media.bytes());
            assertArrayEquals(audio, Files.readAllBytes(media.path()));
            MediaInfo info = new MediaProbe(Duration.ofSeconds(5)).read("audio_uri", media.path(), MediaKind.AUDIO);
            assertEquals(3000, info.durationMillis(), 50);
        }
    }

    @Test
    void theDeclaredTypeIsNotTrustedTheBytesAre() throws IOException {
        byte[] png = Files.readAllBytes(fixture("image-portrait.png"));
        try (TempMedia media = data().decodeBlocking("video_uri", dataUri("video/mp4", png), 1 << 20)) {
            assertBadRequest("video_uri must be a video (mp4, mov or mkv)",
                    () -> new MediaProbe(Duration.ofSeconds(5)).read("video_uri", media.path(), MediaKind.VIDEO));
        }
    }

    @Test
    void closingDeletesTheFile() {
        TempMedia media = data().decodeBlocking("image_uri", dataUri("image/png", new byte[] {1, 2, 3}), 10);
        media.close();
        assertFalse(Files.exists(media.path()));
        media.close();
    }

    @Test
    void overTheLimitIsA413FromTheEncodedLength() {
        assertThrows(Errors.TooLarge.class,
                () -> data().decodeBlocking("video_uri", dataUri("video/mp4", new byte[3000]), 1000));
    }

    @Test
    void overTheLimitIsA413WhileDecoding() {
        // 3000 bytes encode to 4000 chars: the length check allows up to 2998, the decoder finds 3000 > 2999.
        assertThrows(Errors.TooLarge.class,
                () -> data().decodeBlocking("video_uri", dataUri("video/mp4", new byte[3000]), 2999));
    }

    @Test
    void exactlyTheLimitIsAllowed() {
        data().decodeBlocking("video_uri", dataUri("video/mp4", new byte[3000]), 3000).close();
    }

    @Test
    void invalidBase64IsA400() {
        assertBadRequest("audio_uri is not valid base64",
                () -> data().decodeBlocking("audio_uri", "data:audio/wav;base64,AAAA*AAA", 1000));
        assertBadRequest("audio_uri is not valid base64",
                () -> data().decodeBlocking("audio_uri", "data:audio/wav;base64,AAAA\u00e9AAA", 1000));
        assertBadRequest("audio_uri is not valid base64",
                () -> data().decodeBlocking("audio_uri", "data:audio/wav;base64,AAAAA", 1000));
    }

    @Test
    void aUriThatIsNotBase64DataIsA400() {
        for (String uri : new String[] {"data:audio/wav,AAAA", "data:audio/wav;base64", "AAAA"}) {
            assertBadRequest("audio_uri must be a base64 data URI (data:<type>;base64,...)",
                    () -> data().decodeBlocking("audio_uri", uri, 1000));
        }
    }

    @Test
    void anEmptyPayloadIsA400() {
        assertBadRequest("audio_uri is empty", () -> data().decodeBlocking("audio_uri", "data:audio/wav;base64,", 10));
    }
}
