package io.vidgate.pricing;

import java.util.Arrays;
import java.util.Optional;

/**
 * What a job generates from; the wire name is also the path segment (/v2/text-to-video). Text and image jobs are
 * priced per second of output at a resolution tier; the media jobs (audio-to-video, retake, extend) per second of
 * their input audio, retaken window or extension.
 */
public enum GenerationType {
    TEXT_TO_VIDEO("text-to-video"), IMAGE_TO_VIDEO("image-to-video"), AUDIO_TO_VIDEO("audio-to-video"),
    RETAKE("retake"), EXTEND("extend");

    /** "text-to-video, image-to-video, ...": for messages that list the allowed values. */
    public static final String WIRE_NAMES = String.join(", ", Arrays.stream(values()).map(t -> t.wire).toList());

    public final String wire;

    GenerationType(String wire) {
        this.wire = wire;
    }

    /** Priced per second of a media input rather than per second of output at a resolution tier. */
    public boolean mediaPriced() {
        return this == AUDIO_TO_VIDEO || this == RETAKE || this == EXTEND;
    }

    public static Optional<GenerationType> fromWire(String value) {
        return Arrays.stream(values()).filter(t -> t.wire.equals(value)).findFirst();
    }
}
