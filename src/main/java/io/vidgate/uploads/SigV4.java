package io.vidgate.uploads;

import io.vidgate.crypto.Secrets;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * AWS Signature Version 4 for the Authorization header (what S3-compatible servers accept), for requests whose
 * path is already URI-encoded and whose query, if any, is given as decoded name/value pairs.
 */
final class SigV4 {

    static final String EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    static final String UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD";
    private static final DateTimeFormatter AMZ_DATE =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    private final String accessKey;
    private final String secretKey;
    private final String region;
    private final String service;

    SigV4(String accessKey, String secretKey, String region, String service) {
        this.accessKey = accessKey;
        this.secretKey = secretKey;
        this.region = region;
        this.service = service;
    }

    /**
     * The value of the Authorization header. {@code headers} must hold every header to sign, including host and
     * x-amz-date (= {@link #amzDate(Instant)} of {@code now}).
     */
    String authorization(String method, String encodedPath, Map<String, String> query, Map<String, String> headers,
                         String payloadHash, Instant now) {
        Map<String, String> canonicalHeaders = new TreeMap<>();
        headers.forEach((name, value) -> canonicalHeaders.put(name.toLowerCase(Locale.ROOT),
                value.trim().replaceAll(" +", " ")));
        String signedHeaders = String.join(";", canonicalHeaders.keySet());
        String canonicalQuery = new TreeMap<>(query).entrySet().stream()
                .map(e -> encode(e.getKey()) + "=" + encode(e.getValue()))
                .collect(Collectors.joining("&"));
        String canonicalRequest = method + "\n"
                + encodedPath + "\n"
                + canonicalQuery + "\n"
                + canonicalHeaders.entrySet().stream().map(e -> e.getKey() + ":" + e.getValue() + "\n")
                        .collect(Collectors.joining()) + "\n"
                + signedHeaders + "\n"
                + payloadHash;
        String amzDate = amzDate(now);
        String day = amzDate.substring(0, 8);
        String scope = day + "/" + region + "/" + service + "/aws4_request";
        String stringToSign = "AWS4-HMAC-SHA256\n" + amzDate + "\n" + scope + "\n" + sha256Hex(canonicalRequest);
        byte[] key = hmac(("AWS4" + secretKey).getBytes(StandardCharsets.UTF_8), day);
        key = hmac(key, region);
        key = hmac(key, service);
        key = hmac(key, "aws4_request");
        String signature = HexFormat.of().formatHex(hmac(key, stringToSign));
        return "AWS4-HMAC-SHA256 Credential=" + accessKey + "/" + scope + ",SignedHeaders=" + signedHeaders
                + ",Signature=" + signature;
    }

    static String amzDate(Instant now) {
        return AMZ_DATE.format(now);
    }

    /** RFC 3986 unreserved characters stay, everything else is %XX (UTF-8), as SigV4 wants; '/' too. */
    static String encode(String value) {
        StringBuilder out = new StringBuilder();
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '_' || c == '.' || c == '~') {
                out.append(c);
            } else {
                out.append('%').append(String.format("%02X", b & 0xff));
            }
        }
        return out.toString();
    }

    static String sha256Hex(String text) {
        return HexFormat.of().formatHex(Secrets.sha256(text));
    }

    private static byte[] hmac(byte[] key, String data) {
        return Secrets.hmacSha256(key, data);
    }
}
