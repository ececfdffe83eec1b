package io.vidgate.uploads;

import io.vidgate.config.VidgateConfig;
import io.vidgate.crypto.Secrets;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;

/**
 * The credential of an upload URL: base64url(HMAC-SHA256(key, id + "." + expires)), expires in Unix seconds.
 * Whoever holds the URL may PUT the upload's bytes once until it expires; no API key is involved.
 * <p>
 * The same key signs other URLs of the service under a purpose ({@link #sign(String, UUID, long)}, e.g. the result
 * URLs of io.vidgate.results): the signed text then starts with the purpose and a colon, which an upload's text (a
 * UUID first) never does, so a signature made for one purpose is never valid for another or for an upload.
 */
@ApplicationScoped
public class UploadSignature {

    private final byte[] key;

    @Inject
    UploadSignature(VidgateConfig config) {
        this(config.uploads().signingKey());
    }

    UploadSignature(String key) {
        this.key = key.getBytes(StandardCharsets.UTF_8);
    }

    public String sign(UUID id, long expiresEpochSecond) {
        byte[] digest = Secrets.hmacSha256(key, id + "." + expiresEpochSecond);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
    }

    /** Whether {@code signature} is the one for this id and expiry (compared in constant time). */
    public boolean valid(UUID id, long expiresEpochSecond, String signature) {
        return signature != null && Secrets.constantTimeEquals(signature, sign(id, expiresEpochSecond));
    }

    /** base64url(HMAC-SHA256(key, purpose + ":" + id + "." + expires)); {@code purpose} is a lowercase word. */
    public String sign(String purpose, UUID id, long expiresEpochSecond) {
        byte[] digest = Secrets.hmacSha256(key, purpose + ":" + id + "." + expiresEpochSecond);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
    }

    /** Whether {@code signature} is the one of this purpose, id and expiry (compared in constant time). */
    public boolean valid(String purpose, UUID id, long expiresEpochSecond, String signature) {
        return signature != null && Secrets.constantTimeEquals(signature, sign(purpose, id, expiresEpochSecond));
    }

    public static boolean expired(long expiresEpochSecond, Instant now) {
        return now.getEpochSecond() >= expiresEpochSecond;
    }
}
