package io.vidgate.jobs;

import io.vidgate.http.Errors;
import io.vidgate.media.MediaInfo;

import java.util.Locale;

/** The limits on input media that the media jobs share, and how their seconds are billed. */
final class MediaRules {

    static final int MAX_LONG_SIDE = 3840;
    static final int MAX_SHORT_SIDE = 2160;
    static final int MIN_VIDEO_FRAMES = 73;

    private MediaRules() {
    }

    /** At most 3840x2160 in either orientation, and at least {@link #MIN_VIDEO_FRAMES} frames. */
    static void checkInputVideo(String field, MediaInfo video) {
        int longSide = Math.max(video.width(), video.height());
        int shortSide = Math.min(video.width(), video.height());
        if (longSide > MAX_LONG_SIDE || shortSide > MAX_SHORT_SIDE) {
            throw new Errors.InvalidRequest(field + " must be at most " + MAX_LONG_SIDE + "x" + MAX_SHORT_SIDE
                    + " (it is " + video.width() + "x" + video.height() + ")");
        }
        if (video.frames() < MIN_VIDEO_FRAMES) {
            throw new Errors.InvalidRequest(field + " must have at least " + MIN_VIDEO_FRAMES + " frames (it has "
                    + video.frames() + ")");
        }
        if (video.fps() <= 0 || video.durationMillis() <= 0) {
            throw new Errors.InvalidRequest(field + " has no readable frame rate or duration");
        }
    }

    /** Whole seconds billed for a length of media: every started second counts. */
    static int billedSeconds(long millis) {
        return Math.toIntExact((millis + 999) / 1000);
    }

    static long millis(double seconds) {
        return Math.round(seconds * 1000);
    }

    static String seconds(long millis) {
        return String.format(Locale.ROOT, "%.2f s", millis / 1000.0);
    }

    /** The integer frame rate recorded on the job (the exact one is in its inputs). */
    static int roundedFps(MediaInfo video) {
        return Math.max(1, (int) Math.round(video.fps()));
    }
}
