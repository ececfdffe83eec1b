package io.vidgate.uploads;

import io.vidgate.config.VidgateConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;

/**
 * The credential of an upload URL: base64url(HMAC-SHA256(key, id + "." + expires)), expires in Unix seconds.
 * Whoever holds the URL may PUT the upload's bytes once until it expires; no API key is involved.
 */
@ApplicationScoped
public class UploadSignature {

    private final SecretKeySpec key;

    @Inject
    UploadSignature(VidgateConfig config) {
        this(config.uploads().signingKey());
    }

    UploadSignature(String key) {
        this.key = new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
    }

    public String sign(UUID id, long expiresEpochSecond) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            byte[] digest = mac.doFinal((id + "." + expiresEpochSecond).getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Whether {@code signature} is the one for this id and expiry (compared in constant time). */
    public boolean valid(UUID id, long expiresEpochSecond, String signature) {
        if (signature == null) {
            return false;
        }
        return MessageDigest.isEqual(sign(id, expiresEpochSecond).getBytes(StandardCharsets.US_ASCII),
                signature.getBytes(StandardCharsets.US_ASCII));
    }

    public static boolean expired(long expiresEpochSecond, Instant now) {
        return now.getEpochSecond() >= expiresEpochSecond;
    }
}
