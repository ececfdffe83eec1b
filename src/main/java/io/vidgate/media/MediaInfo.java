package io.vidgate.media;

/**
 * What was read from a media file's own headers, before anything is priced.
 *
 * @param kind           image, audio or video
 * @param format         the container or image format as read from the bytes (mp4, mov, mkv, wav, mp3, m4a, ogg,
 *                       png, jpeg, webp)
 * @param bytes          size of the file
 * @param width          pixels; 0 for audio
 * @param height         pixels; 0 for audio
 * @param durationMillis length; 0 for images
 * @param frames         number of video frames; 0 unless video
 * @param fps            frames per second of the video track; 0 unless video
 */
public record MediaInfo(MediaKind kind, String format, long bytes, int width, int height, long durationMillis,
                        long frames, double fps) {

    public boolean portrait() {
        return height > width;
    }

    public boolean landscape() {
        return width > height;
    }
}
