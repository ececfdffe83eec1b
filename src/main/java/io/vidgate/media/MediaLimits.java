package io.vidgate.media;

/**
 * Limits of media inputs, the same as the hosted API's: a fetched or inline file larger than these is a 413 before
 * anything is read from it; a header that claims more than the plausibility limits is a 400.
 */
public final class MediaLimits {

    public static final long MAX_IMAGE_BYTES = 15L * 1024 * 1024;
    public static final long MAX_AUDIO_BYTES = 32L * 1024 * 1024;
    public static final long MAX_VIDEO_BYTES = 32L * 1024 * 1024;

    /** Widest or tallest picture a header may claim; beyond it the file is refused as unreadable, not priced. */
    public static final int MAX_DIMENSION = 16_384;
    /** Longest audio or video a header may claim (far above any input an endpoint accepts). */
    public static final long MAX_DURATION_MILLIS = 3_600_000;
    /** Redirects a fetch follows, each re-checked like the original URL. */
    public static final int MAX_REDIRECTS = 3;

    private MediaLimits() {
    }

    public static long maxBytes(MediaKind kind) {
        return switch (kind) {
            case IMAGE -> MAX_IMAGE_BYTES;
            case AUDIO -> MAX_AUDIO_BYTES;
            case VIDEO -> MAX_VIDEO_BYTES;
        };
    }
}
