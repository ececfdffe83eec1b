package io.vidgate.http;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** The seed envelope: {"type": "error", "error": {"type": ..., "message": ...}}. */
@RegisterForReflection
public record ErrorBody(String type, Detail error) {

    public record Detail(String type, String message) {
    }

    public static ErrorBody of(ApiException e) {
        return new ErrorBody("error", new Detail(e.type(), e.getMessage()));
    }

    /** The envelope as JSON text, for layers below Quarkus REST that write the response themselves. */
    public String toJson() {
        return "{\"type\":\"error\",\"error\":{\"type\":" + quote(error.type()) + ",\"message\":" + quote(error.message()) + "}}";
    }

    private static String quote(String s) {
        StringBuilder out = new StringBuilder(s.length() + 2).append('"');
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
