package io.vidgate.media;

import io.vidgate.http.Errors;
import io.vidgate.uploads.UploadService;
import jakarta.enterprise.context.ApplicationScoped;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Checks media and callback URIs before anything is priced or stored: https URLs with a DNS host (so that workers
 * cannot be pointed at internal addresses), or inline data URIs whose bytes really are the declared image type.
 */
@ApplicationScoped
public class MediaUris {

    public static final int MAX_URL_CHARS = 2048;
    public static final int MAX_INLINE_BYTES = 7 * 1024 * 1024;
    /** Longest text accepted in an image field; the decoded size is checked (413) by {@link #checkImage}. */
    public static final int MAX_INLINE_CHARS = 16 * 1024 * 1024;

    private static final Map<String, byte[][]> MAGIC = Map.of(
            "image/png", new byte[][] {{(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'}},
            "image/jpeg", new byte[][] {{(byte) 0xFF, (byte) 0xD8, (byte) 0xFF}},
            "image/webp", new byte[][] {{'R', 'I', 'F', 'F'}});
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern DNS_HOST = Pattern.compile(
            "(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+");

    private static final String MEDIA_SCHEMES = ", a vidgate://uploads/ URI or a data URI";

    /** An upload of this service, usable in any *_uri field: its storage_uri exactly as POST /v2/upload gave it. */
    public static boolean isStorageUri(String uri) {
        return UploadService.isStorageUri(uri);
    }

    /**
     * Checks the form of a media URI of any kind: an https URL, an upload of this service, or a base64 data URI
     * declared as that kind (whose bytes the media probe reads later; the declared type is never trusted).
     * With {@code allowInsecure} (vidgate.media.allow-insecure: dev and tests) also any http URL.
     */
    public String checkMedia(String field, String uri, MediaKind kind, boolean allowInsecure) {
        if (allowInsecure && !uri.startsWith("data:") && !isStorageUri(uri)) {
            return checkRemote(field, uri, true);
        }
        if (kind == MediaKind.IMAGE) {
            return checkImage(field, uri);
        }
        if (isStorageUri(uri)) {
            return uri;
        }
        if (uri.startsWith("data:")) {
            String prefix = kind == MediaKind.AUDIO ? "audio/" : "video/";
            int comma = uri.indexOf(',');
            String header = comma < 0 ? "" : uri.substring("data:".length(), comma).toLowerCase(Locale.ROOT);
            if (!header.startsWith(prefix) || !header.endsWith(";base64")) {
                throw new Errors.InvalidRequest(field + " must be an https URL, a vidgate://uploads/ URI or a base64 data URI"
                        + " (data:" + prefix + "...;base64,...)");
            }
            checkInlineSize(uri.length() - comma - 1);
            return uri;
        }
        checkPublicHttps(field, uri, MEDIA_SCHEMES);
        return uri;
    }

    public String checkImage(String field, String uri) {
        if (isStorageUri(uri)) {
            return uri;
        }
        if (uri.startsWith("data:")) {
            checkInlineImage(field, uri);
            return uri;
        }
        checkPublicHttps(field, uri, MEDIA_SCHEMES);
        return uri;
    }

    public String checkWebhook(String field, String url, boolean allowInsecure) {
        return checkRemote(field, url, allowInsecure);
    }

    /**
     * The rule of every URL the service itself calls (webhooks, media fetches and their redirects): https with a
     * public DNS host, or with {@code allowInsecure} (dev and tests) any http or https URL.
     */
    public String checkRemote(String field, String url, boolean allowInsecure) {
        if (allowInsecure) {
            URI parsed = parse(field, url);
            String scheme = parsed.getScheme() == null ? "" : parsed.getScheme().toLowerCase(Locale.ROOT);
            if (!(scheme.equals("http") || scheme.equals("https")) || parsed.getHost() == null) {
                throw new Errors.InvalidRequest(field + " must be an http or https URL");
            }
            return url;
        }
        checkPublicHttps(field, url, "");
        return url;
    }

    /** An https URL with a public DNS host; {@code alternatives} completes the message of any other scheme. */
    private void checkPublicHttps(String field, String url, String alternatives) {
        if (url.length() > MAX_URL_CHARS) {
            throw new Errors.InvalidRequest(field + " must be at most " + MAX_URL_CHARS + " characters");
        }
        URI uri = parse(field, url);
        if (!"https".equalsIgnoreCase(uri.getScheme())) {
            throw new Errors.InvalidRequest(field + " must be an https URL" + alternatives);
        }
        if (uri.getRawUserInfo() != null) {
            throw new Errors.InvalidRequest(field + " must not contain credentials");
        }
        String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
        if (host.equals("localhost") || host.endsWith(".localhost") || host.endsWith(".local")
                || host.endsWith(".internal")) {
            throw new Errors.InvalidRequest(field + " must name a public DNS host");
        }
        if (host.startsWith("[") || IPV4.matcher(host).matches() || !DNS_HOST.matcher(host).matches()) {
            throw new Errors.InvalidRequest(field + " must name a public DNS host, not an IP address");
        }
    }

    private static URI parse(String field, String url) {
        try {
            return new URI(url);
        } catch (URISyntaxException e) {
            throw new Errors.InvalidRequest(field + " is not a valid URL");
        }
    }

    private static void checkInlineImage(String field, String uri) {
        int comma = uri.indexOf(',');
        String header = comma < 0 ? "" : uri.substring("data:".length(), comma).toLowerCase(Locale.ROOT);
        if (comma < 0 || !header.endsWith(";base64")) {
            throw new Errors.InvalidRequest(field + " must be a base64 data URI (data:image/png;base64,...)");
        }
        String mediaType = header.substring(0, header.length() - ";base64".length());
        byte[][] magic = MAGIC.get(mediaType);
        if (magic == null) {
            throw new Errors.InvalidRequest(field + " must be image/png, image/jpeg or image/webp");
        }
        checkInlineSize(uri.length() - comma - 1);
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(uri.substring(comma + 1));
        } catch (IllegalArgumentException e) {
            throw new Errors.InvalidRequest(field + " is not valid base64");
        }
        if (bytes.length > MAX_INLINE_BYTES) {
            throw new Errors.TooLarge();
        }
        if (!matches(bytes, magic[0]) || (mediaType.equals("image/webp") && !isWebp(bytes))) {
            throw new Errors.InvalidRequest(field + " content is not a valid " + mediaType + " image");
        }
    }

    /** 413 when base64 text of this length cannot decode to at most {@link #MAX_INLINE_BYTES}. */
    private static void checkInlineSize(int encodedChars) {
        if ((long) encodedChars / 4 * 3 - 2 > MAX_INLINE_BYTES) {
            throw new Errors.TooLarge();
        }
    }

    private static boolean isWebp(byte[] bytes) {
        return bytes.length >= 12 && bytes[8] == 'W' && bytes[9] == 'E' && bytes[10] == 'B' && bytes[11] == 'P';
    }

    private static boolean matches(byte[] bytes, byte[] prefix) {
        if (bytes.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (bytes[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }
}
