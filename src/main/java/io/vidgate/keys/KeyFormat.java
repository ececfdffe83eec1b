package io.vidgate.keys;

import io.vidgate.crypto.Secrets;

import java.util.regex.Pattern;

/** The shape of an API key: "vg_" and 43 base64url characters (32 random bytes). */
public final class KeyFormat {

    public static final String PREFIX = "vg_";
    /** Characters of a key shown in listings and logs; enough to tell keys apart, useless to an attacker. */
    public static final int VISIBLE = 10;
    private static final Pattern SHAPE = Pattern.compile("vg_[A-Za-z0-9_-]{43}");

    private KeyFormat() {
    }

    public static String newKey() {
        return PREFIX + Secrets.randomToken(32);
    }

    public static boolean looksLikeKey(String candidate) {
        return SHAPE.matcher(candidate).matches();
    }

    public static String visiblePrefix(String key) {
        return key.substring(0, VISIBLE);
    }
}
