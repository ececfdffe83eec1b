package io.vidgate.media;

import io.vidgate.http.ApiException;
import io.vidgate.http.Errors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Arrays;
import java.util.Base64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The rules of image_uri, last_frame_uri and webhook_url (docs/api.md 2.1), without Quarkus. */
class MediaUrisTest {

    static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R'};
    static final byte[] JPEG = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE0, 0, 16, 'J', 'F', 'I', 'F'};
    static final byte[] WEBP = {'R', 'I', 'F', 'F', 26, 0, 0, 0, 'W', 'E', 'B', 'P', 'V', 'P', '8', ' '};

    private final MediaUris uris = new MediaUris();

    @ParameterizedTest
    @ValueSource(strings = {
            "https://cdn.example.com/images/a.png",
            "https://EXAMPLE.com/a.png?size=large#top",
            "https://img-1.example.co.uk:8443/a/b/c.jpg",
            "HTTPS://example.com/a.png",
    })
    void acceptsHttpsUrlsOnADnsHost(String url) {
        assertSame(url, uris.checkImage("image_uri", url), "the URI is kept exactly as sent");
    }

    @Test
    void acceptsInlineImagesWhoseBytesMatchTheDeclaredType() {
        for (String uri : new String[] {dataUri("image/png", PNG), dataUri("image/jpeg", JPEG),
                dataUri("image/webp", WEBP), dataUri("IMAGE/PNG", PNG)}) {
            assertSame(uri, uris.checkImage("image_uri", uri));
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "http://example.com/a.png            | image_uri must be an https URL, a vidgate://uploads/ URI or a data URI",
            "ftp://example.com/a.png             | image_uri must be an https URL, a vidgate://uploads/ URI or a data URI",
            "example.com/a.png                   | image_uri must be an https URL, a vidgate://uploads/ URI or a data URI",
            "//example.com/a.png                 | image_uri must be an https URL, a vidgate://uploads/ URI or a data URI",
            "https://user:secret@example.com/a   | image_uri must not contain credentials",
            "https://user@example.com/a          | image_uri must not contain credentials",
            "https://10.0.0.1/a.png              | image_uri must name a public DNS host, not an IP address",
            "https://169.254.169.254/latest      | image_uri must name a public DNS host, not an IP address",
            "https://127.0.0.1:8080/a.png        | image_uri must name a public DNS host, not an IP address",
            "https://[::1]/a.png                 | image_uri must name a public DNS host, not an IP address",
            "https://[fd00::1]:443/a.png         | image_uri must name a public DNS host, not an IP address",
            "https://127.1/a.png                 | image_uri must name a public DNS host, not an IP address",
            "https://0x7f.0.0.1/a.png            | image_uri must name a public DNS host, not an IP address",
            "https://2130706433/a.png            | image_uri must name a public DNS host, not an IP address",
            "https://localhost/a.png             | image_uri must name a public DNS host",
            "https:///a.png                      | image_uri must name a public DNS host, not an IP address",
            "https://api.localhost/a.png         | image_uri must name a public DNS host",
            "https://metadata.google.internal/   | image_uri must name a public DNS host",
            "https://printer.local/a.png         | image_uri must name a public DNS host",
            "https://exa mple.com/a.png          | image_uri is not a valid URL",
    })
    void refusesUrlsThatAreNotPublicHttps(String url, String message) {
        assertInvalid(message, () -> uris.checkImage("image_uri", url));
    }

    @Test
    void theFieldNameIsTheOneChecked() {
        assertInvalid("last_frame_uri must be an https URL, a vidgate://uploads/ URI or a data URI",
                () -> uris.checkImage("last_frame_uri", "http://example.com/a.png"));
    }

    @Test
    void urlsAreAtMost2048Characters() {
        String prefix = "https://example.com/";
        String longest = prefix + "a".repeat(MediaUris.MAX_URL_CHARS - prefix.length());
        assertEquals(2048, longest.length());
        assertSame(longest, uris.checkImage("image_uri", longest));
        assertInvalid("image_uri must be at most 2048 characters", () -> uris.checkImage("image_uri", longest + "a"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "data:image/png,abc                      | image_uri must be a base64 data URI (data:image/png;base64,...)",
            "data:image/png;base64                   | image_uri must be a base64 data URI (data:image/png;base64,...)",
            "data:;base64,iVBORw0KGgo=               | image_uri must be image/png, image/jpeg or image/webp",
            "data:image/gif;base64,R0lGODlhAQABAAAAACw= | image_uri must be image/png, image/jpeg or image/webp",
            "data:text/html;base64,PGgxPmhpPC9oMT4=  | image_uri must be image/png, image/jpeg or image/webp",
            "data:image/png;base64,!!!!              | image_uri is not valid base64",
            "data:image/png;base64,iVBORw0KG         | image_uri is not valid base64",
            "data:image/png;base64,iVBO Rw0K         | image_uri is not valid base64",
            "data:image/png;base64,                  | image_uri content is not a valid image/png image",
    })
    void refusesMalformedDataUris(String uri, String message) {
        assertInvalid(message, () -> uris.checkImage("image_uri", uri));
    }

    @Test
    void refusesBytesThatAreNotTheDeclaredType() {
        assertInvalid("image_uri content is not a valid image/png image",
                () -> uris.checkImage("image_uri", dataUri("image/png", JPEG)));
        assertInvalid("image_uri content is not a valid image/jpeg image",
                () -> uris.checkImage("image_uri", dataUri("image/jpeg", PNG)));
        byte[] wave = WEBP.clone();
        wave[8] = 'W';
        wave[9] = 'A';
        wave[10] = 'V';
        wave[11] = 'E';
        assertInvalid("image_uri content is not a valid image/webp image",
                () -> uris.checkImage("image_uri", dataUri("image/webp", wave)));
        assertInvalid("image_uri content is not a valid image/webp image",
                () -> uris.checkImage("image_uri", dataUri("image/webp", Arrays.copyOf(WEBP, 8))));
        assertInvalid("image_uri content is not a valid image/png image",
                () -> uris.checkImage("image_uri", dataUri("image/png", Arrays.copyOf(PNG, 7))));
    }

    @Test
    void inlineImagesAreAtMost7MiBDecoded() {
        String largest = dataUri("image/png", png(MediaUris.MAX_INLINE_BYTES));
        assertSame(largest, uris.checkImage("image_uri", largest));

        for (int size : new int[] {MediaUris.MAX_INLINE_BYTES + 1, MediaUris.MAX_INLINE_BYTES + 3,
                MediaUris.MAX_INLINE_BYTES + 1024}) {
            String tooLarge = dataUri("image/png", png(size));
            ApiException e = assertThrows(Errors.TooLarge.class, () -> uris.checkImage("image_uri", tooLarge),
                    size + " bytes");
            assertEquals(413, e.status());
            assertEquals("request_too_large", e.type());
            assertEquals("Request exceeds the maximum allowed size", e.getMessage());
        }
    }

    @Test
    void webhooksFollowThePublicHttpsRulesUnlessInsecureIsAllowed() {
        assertSame("https://hooks.example.com/v", uris.checkWebhook("webhook_url", "https://hooks.example.com/v", false));
        assertInvalid("webhook_url must be an https URL",
                () -> uris.checkWebhook("webhook_url", "http://hooks.example.com/v", false));
        assertInvalid("webhook_url must name a public DNS host, not an IP address",
                () -> uris.checkWebhook("webhook_url", "https://127.0.0.1/v", false));
        assertInvalid("webhook_url must name a public DNS host",
                () -> uris.checkWebhook("webhook_url", "https://localhost/v", false));

        assertSame("http://localhost:8089/v", uris.checkWebhook("webhook_url", "http://localhost:8089/v", true));
        assertSame("http://127.0.0.1/v", uris.checkWebhook("webhook_url", "http://127.0.0.1/v", true));
        assertInvalid("webhook_url must be an http or https URL",
                () -> uris.checkWebhook("webhook_url", "ftp://hooks.example.com/v", true));
        assertInvalid("webhook_url must be an http or https URL",
                () -> uris.checkWebhook("webhook_url", "hooks.example.com/v", true));
        assertInvalid("webhook_url must be an http or https URL",
                () -> uris.checkWebhook("webhook_url", "http:///v", true));
        assertInvalid("webhook_url is not a valid URL",
                () -> uris.checkWebhook("webhook_url", "http://exa mple.com/", true));
    }

    static byte[] png(int size) {
        byte[] bytes = new byte[size];
        System.arraycopy(PNG, 0, bytes, 0, Math.min(PNG.length, size));
        return bytes;
    }

    static String dataUri(String mediaType, byte[] bytes) {
        return "data:" + mediaType + ";base64," + Base64.getEncoder().encodeToString(bytes);
    }

    @Test
    void audioAndVideoTakeHttpsUploadsOrDataUrisOfTheirKindAndInProductionNothingElse() {
        String upload = "vidgate://uploads/0f8fad5b-d9cb-469f-a165-70867728950e";
        assertSame(upload, uris.checkMedia("audio_uri", upload, MediaKind.AUDIO, false));
        assertSame(upload, uris.checkMedia("image_uri", upload, MediaKind.IMAGE, false));
        String https = "https://media.example.com/a.wav";
        assertSame(https, uris.checkMedia("audio_uri", https, MediaKind.AUDIO, false));
        assertInvalid("audio_uri must be an https URL, a vidgate://uploads/ URI or a data URI",
                () -> uris.checkMedia("audio_uri", "http://media.example.com/a.wav", MediaKind.AUDIO, false));
        assertInvalid("video_uri must name a public DNS host, not an IP address",
                () -> uris.checkMedia("video_uri", "https://10.0.0.1/v.mp4", MediaKind.VIDEO, false));
        assertInvalid("image_uri must be an https URL, a vidgate://uploads/ URI or a data URI",
                () -> uris.checkMedia("image_uri", "ftp://x.example.com/a.png", MediaKind.IMAGE, false));
        assertInvalid("audio_uri must be an https URL, a vidgate://uploads/ URI or a base64 data URI (data:audio/...;base64,...)",
                () -> uris.checkMedia("audio_uri", "data:video/mp4;base64,AAAA", MediaKind.AUDIO, false));
        assertInvalid("audio_uri must be an https URL, a vidgate://uploads/ URI or a data URI",
                () -> uris.checkMedia("audio_uri", "vidgate://uploads/0F8FAD5B-D9CB-469F-A165-70867728950E", MediaKind.AUDIO, false));
        // dev and tests (vidgate.media.allow-insecure) may name a local http server
        assertSame("http://localhost:8081/a.wav",
                uris.checkMedia("audio_uri", "http://localhost:8081/a.wav", MediaKind.AUDIO, true));
    }

    private static void assertInvalid(String message, org.junit.jupiter.api.function.Executable check) {
        ApiException e = assertThrows(Errors.InvalidRequest.class, check);
        assertEquals(400, e.status());
        assertEquals("invalid_request_error", e.type());
        assertEquals(message, e.getMessage());
    }
}
