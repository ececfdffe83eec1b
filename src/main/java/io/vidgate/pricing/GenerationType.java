package io.vidgate.pricing;

import java.util.Arrays;
import java.util.Optional;

/** What a job generates from; the wire name is also the path segment (/v2/text-to-video). */
public enum GenerationType {
    TEXT_TO_VIDEO("text-to-video"), IMAGE_TO_VIDEO("image-to-video");

    public final String wire;

    GenerationType(String wire) {
        this.wire = wire;
    }

    public static Optional<GenerationType> fromWire(String value) {
        return Arrays.stream(values()).filter(t -> t.wire.equals(value)).findFirst();
    }
}
