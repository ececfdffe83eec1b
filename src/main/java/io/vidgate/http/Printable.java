package io.vidgate.http;

/** Makes client-supplied text safe to echo in an error message: short, and without control characters. */
public final class Printable {

    private static final int MAX = 64;

    private Printable() {
    }

    public static String clip(String text) {
        StringBuilder out = new StringBuilder();
        text.codePoints().limit(MAX).forEach(cp -> {
            if (Character.isISOControl(cp) || Character.getType(cp) == Character.FORMAT) {
                out.append('?');
            } else {
                out.appendCodePoint(cp);
            }
        });
        if (text.codePointCount(0, text.length()) > MAX) {
            out.append("...");
        }
        return out.toString();
    }
}
