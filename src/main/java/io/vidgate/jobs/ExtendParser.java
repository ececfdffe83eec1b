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
 * POST /v2/extend: continues a 16:9 or 9:16 video at its end (or leads into its start) by 2 to 20 s, optionally
 * conditioned on up to 20 s of the input; context and extension together are at most 505 frames at the input's
 * frame rate. The output keeps the input's size and frame rate. Billed per second of the extension.
 */
@ApplicationScoped
public class ExtendParser {

    static final Set<String> FIELDS = Set.of("video_uri", "duration", "prompt", "mode", "context", "model",
            "webhook_url");
    static final List<String> MODES = List.of("end", "start");
    static final int MIN_DURATION = 2;
    static final int MAX_DURATION = 20;
    static final int MAX_FRAMES = 505;
    /** How far from exactly 16:9 (or 9:16) an input may be: 854x480 and 1366x768 count as 16:9. */
    private static final double ASPECT_TOLERANCE = 0.01;

    private final JobFields common;
    private final MediaInputs media;

    ExtendParser(JobFields common, MediaInputs media) {
        this.common = common;
        this.media = media;
    }

    public Uni<JobRequest> parse(UUID accountId, JsonBody body) {
        String videoUri = common.requiredMediaUri(body, "video_uri", MediaKind.VIDEO);
        int duration = body.requiredInt("duration", MIN_DURATION, MAX_DURATION);
        Optional<String> prompt = common.optionalPrompt(body);
        String mode = body.optionalOneOf("mode", 16, MODES).orElse("end");
        Optional<Long> context = body.optionalNumber("context", 1, 20).map(MediaRules::millis);
        ModelSpec model = common.model(GenerationType.EXTEND, body);
        String webhookUrl = common.webhookUrl(body);
        return media.read(accountId, "video_uri", videoUri, MediaKind.VIDEO).map(video -> {
            MediaRules.checkInputVideo("video_uri", video);
            checkAspect(model, video);
            context.ifPresent(millis -> checkContext(video, millis));
            checkFrames(video, context.orElse(0L), duration);
            Map<String, Object> inputs = new LinkedHashMap<>();
            JobRequestParser.putIfPresent(inputs, "prompt", prompt.orElse(null));
            inputs.put("video_uri", videoUri);
            inputs.put("mode", mode);
            context.ifPresent(millis -> inputs.put("context", millis / 1000.0));
            inputs.put("video", VideoFacts.of(video));
            return new JobRequest(GenerationType.EXTEND, prompt.orElse(null), model.id(), duration,
                    video.width() + "x" + video.height(), MediaRules.roundedFps(video), true, inputs, webhookUrl,
                    model.mediaPrice(GenerationType.EXTEND, duration));
        });
    }

    private static void checkAspect(ModelSpec model, MediaInfo video) {
        boolean landscape = Math.abs(video.width() * 9.0 / (video.height() * 16.0) - 1) <= ASPECT_TOLERANCE;
        boolean portrait = Math.abs(video.height() * 9.0 / (video.width() * 16.0) - 1) <= ASPECT_TOLERANCE;
        if (!landscape && !portrait) {
            throw new Errors.InvalidRequest("video_uri must be 16:9 or 9:16 (it is " + video.width() + "x"
                    + video.height() + ")");
        }
        if (portrait) {
            JobFields.requireLandscapeModelAllowsPortrait(model, "video_uri");
        }
    }

    private static void checkContext(MediaInfo video, long contextMillis) {
        if (contextMillis > video.durationMillis()) {
            throw new Errors.InvalidRequest("context must be at most the length of video_uri ("
                    + MediaRules.seconds(video.durationMillis()) + ")");
        }
    }

    private static void checkFrames(MediaInfo video, long contextMillis, int duration) {
        // A hair below the next integer counts as that integer: 20.2 s at 25 fps is 505 frames, not 506.
        long frames = (long) Math.ceil((contextMillis + duration * 1000L) * video.fps() / 1000.0 - 1e-6);
        if (frames > MAX_FRAMES) {
            throw new Errors.InvalidRequest("context + duration must be at most " + MAX_FRAMES + " frames at the "
                    + String.format(java.util.Locale.ROOT, "%.2f", video.fps()) + " fps of video_uri (they are "
                    + frames + ")");
        }
    }
}
