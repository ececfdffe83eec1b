package io.vidgate.webhooks;

import io.vidgate.crypto.Secrets;

import java.util.Base64;

/**
 * Standard Webhooks signing: the key is the base64 after "whsec_", the signed content is
 * "{webhook-id}.{webhook-timestamp}.{body}", and the header value is "v1," + base64(HMAC-SHA256).
 */
public final class WebhookSignature {

    public static final String SECRET_PREFIX = "whsec_";

    private WebhookSignature() {
    }

    public static String sign(String secret, String id, long timestampSeconds, String body) {
        byte[] signature = Secrets.hmacSha256(key(secret), id + "." + timestampSeconds + "." + body);
        return "v1," + Base64.getEncoder().encodeToString(signature);
    }

    private static byte[] key(String secret) {
        String encoded = secret.startsWith(SECRET_PREFIX) ? secret.substring(SECRET_PREFIX.length()) : secret;
        return Base64.getDecoder().decode(encoded);
    }
}
