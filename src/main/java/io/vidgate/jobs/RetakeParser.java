package io.vidgate.jobs;

import io.smallrye.mutiny.Uni;
import io.vidgate.http.Errors;
import io.vidgate.http.JsonBody;
import io.vidgate.media.MediaInfo;
import io.vidgate.media.MediaInputs;
import io.vidgate.media.MediaKind;
import io.vidgate.pricing.GenerationType;
import io.vidgate.pricing.ModelSpec;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * POST /v2/retake: regenerates a window of an existing video (its picture, its sound, or both). The window is at
 * least 2 s; one that runs past the end of the video is cut at the end. Billed per started second of the window.
 */
@ApplicationScoped
public class RetakeParser {

    static final Set<String> FIELDS = Set.of("video_uri", "start_time", "duration", "prompt", "mode", "resolution",
            "model", "webhook_url");
    static final List<String> MODES = List.of("replace_audio", "replace_video", "replace_audio_and_video");
    static final double MIN_WINDOW_SECONDS = 2;
    /** Far beyond any video this service accepts; only keeps the arithmetic finite. */
    private static final double MAX_SECONDS = 86_400;

    private final JobFields common;
    private final MediaInputs media;

    RetakeParser(JobFields common, MediaInputs media) {
        this.common = common;
        this.media = media;
    }

    public Uni<JobRequest> parse(UUID accountId, JsonBody body) {
        String videoUri = common.requiredMediaUri(body, "video_uri", MediaKind.VIDEO);
        long start = MediaRules.millis(body.requiredNumber("start_time", 0, MAX_SECONDS));
        long requested = MediaRules.millis(body.requiredNumber("duration", MIN_WINDOW_SECONDS, MAX_SECONDS));
        String prompt = common.optionalPrompt(body).orElse(null); // optional, as on the hosted API
        String mode = body.optionalOneOf("mode", 32, MODES).orElse("replace_audio_and_video");
        ModelSpec model = common.model(GenerationType.RETAKE, body);
        Optional<String> resolution = common.optionalMediaResolution(model, body);
        String webhookUrl = common.webhookUrl(body);
        return media.read(accountId, "video_uri", videoUri, MediaKind.VIDEO).map(video -> {
            MediaRules.checkInputVideo("video_uri", video);
            long window = window(video, start, requested);
            int billed = MediaRules.billedSeconds(window);
            Map<String, Object> inputs = new LinkedHashMap<>();
            if (prompt != null) {
                inputs.put("prompt", prompt);
            }
            inputs.put("video_uri", videoUri);
            inputs.put("start_time", start / 1000.0);
            inputs.put("duration", window / 1000.0);
            inputs.put("mode", mode);
            inputs.put("video", VideoFacts.of(video));
            String output = resolution.orElseGet(() -> JobFields.fromOrientation(model, video, "video_uri"));
            return new JobRequest(GenerationType.RETAKE, prompt, model.id(), billed, output,
                    MediaRules.roundedFps(video), !mode.equals("replace_video"), inputs, webhookUrl,
                    model.mediaPrice(GenerationType.RETAKE, billed));
        });
    }

    /** The window in milliseconds, cut at the end of the video; at least 2 s must remain. */
    private static long window(MediaInfo video, long start, long requested) {
        long length = video.durationMillis();
        if (start >= length) {
            throw new Errors.InvalidRequest("start_time must be before the end of video_uri ("
                    + MediaRules.seconds(length) + ")");
        }
        long window = Math.min(start + requested, length) - start;
        if (window < MediaRules.millis(MIN_WINDOW_SECONDS)) {
            throw new Errors.InvalidRequest("the retake window must be at least 2 s, but video_uri ends "
                    + MediaRules.seconds(window) + " after start_time");
        }
        return window;
    }
}
