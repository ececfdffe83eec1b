package io.vidgate.jobs;

import io.vidgate.http.Errors;
import io.vidgate.http.JsonBody;
import io.vidgate.http.Printable;
import io.vidgate.media.MediaUris;
import io.vidgate.pricing.GenerationType;
import io.vidgate.pricing.ModelSpec;
import io.vidgate.pricing.Price;
import io.vidgate.pricing.ResolutionTier;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/** Validates the body of a create or estimate request (docs/api.md 2.1), in the order the fields depend on each other. */
@ApplicationScoped
public class JobRequestParser {

    static final List<String> CAMERA_MOTIONS = List.of("dolly_in", "dolly_out", "dolly_left", "dolly_right",
            "jib_up", "jib_down", "static", "focus_shift");
    /** The aspect ratios of the hosted API's clients; every resolution of the catalog is exactly one of them. */
    static final List<String> ASPECT_RATIOS = List.of("16:9", "9:16");
    private static final Set<String> TEXT_FIELDS = Set.of("prompt", "model", "duration", "resolution", "fps",
            "generate_audio", "camera_motion", "webhook_url", "aspect_ratio", "enhance_prompt");
    private static final Set<String> IMAGE_FIELDS = union(TEXT_FIELDS, Set.of("image_uri", "last_frame_uri"));

    private final JobFields common;
    private final MediaUris mediaUris;

    JobRequestParser(JobFields common, MediaUris mediaUris) {
        this.common = common;
        this.mediaUris = mediaUris;
    }

    public static Set<String> fields(GenerationType type) {
        return type == GenerationType.IMAGE_TO_VIDEO ? IMAGE_FIELDS : TEXT_FIELDS;
    }

    public JobRequest parse(GenerationType type, JsonBody body) {
        String prompt = common.requiredPrompt(body);
        ModelSpec model = common.model(type, body);
        String resolution = body.requiredString("resolution", 20);
        ResolutionTier tier = tier(type, model, resolution);
        String aspectRatio = aspectRatio(body, tier, resolution);
        int fps = body.optionalInt("fps").orElse(model.defaultFps());
        if (!model.fps().contains(fps)) {
            throw new Errors.InvalidRequest("fps must be one of " + join(model.fps()) + " for model " + model.id());
        }
        int duration = body.requiredInt("duration");
        List<Integer> durations = model.durationsAt(tier, fps);
        if (!durations.contains(duration)) {
            throw new Errors.InvalidRequest("duration must be one of " + join(durations) + " for model " + model.id()
                    + " at " + resolution + (model.longDurations().isEmpty() ? "" : " and " + fps + " fps"));
        }
        boolean generateAudio = body.optionalBoolean("generate_audio").orElse(true);
        String cameraMotion = body.optionalOneOf("camera_motion", 32, CAMERA_MOTIONS).orElse(null);
        Boolean enhancePrompt = body.optionalBoolean("enhance_prompt").orElse(null);
        String imageUri = null;
        String lastFrameUri = null;
        if (type == GenerationType.IMAGE_TO_VIDEO) {
            imageUri = mediaUris.checkImage("image_uri", body.requiredString("image_uri", MediaUris.MAX_INLINE_CHARS));
            lastFrameUri = body.optionalString("last_frame_uri", MediaUris.MAX_INLINE_CHARS)
                    .map(uri -> lastFrame(model, uri)).orElse(null);
        }
        String webhookUrl = common.webhookUrl(body);
        int rate = model.rate(type, tier).orElseThrow();
        Map<String, Object> inputs = new LinkedHashMap<>();
        inputs.put("prompt", prompt);
        putIfPresent(inputs, "camera_motion", cameraMotion);
        putIfPresent(inputs, "aspect_ratio", aspectRatio);
        putIfPresent(inputs, "enhance_prompt", enhancePrompt);
        putIfPresent(inputs, "image_uri", imageUri);
        putIfPresent(inputs, "last_frame_uri", lastFrameUri);
        return new JobRequest(type, prompt, model.id(), duration, resolution, fps, generateAudio, inputs, webhookUrl,
                Price.of(rate, duration));
    }

    static void putIfPresent(Map<String, Object> inputs, String field, Object value) {
        if (value != null) {
            inputs.put(field, value);
        }
    }

    private static ResolutionTier tier(GenerationType type, ModelSpec model, String resolution) {
        List<String> allowed = model.resolutions(type);
        if (!allowed.contains(resolution)) {
            throw new Errors.InvalidRequest("resolution must be one of " + String.join(", ", allowed)
                    + " for model " + model.id());
        }
        return ResolutionTier.ofResolution(resolution).orElseThrow();
    }

    /**
     * The optional {@code aspect_ratio}, which must be the shape of the (required) resolution: landscape
     * resolutions are 16:9, portrait ones 9:16 (every resolution of the catalog is exactly one of the two).
     */
    private static String aspectRatio(JsonBody body, ResolutionTier tier, String resolution) {
        String given = body.optionalOneOf("aspect_ratio", 16, ASPECT_RATIOS).orElse(null);
        String actual = resolution.equals(tier.portrait()) ? "9:16" : "16:9";
        if (given != null && !given.equals(actual)) {
            throw new Errors.InvalidRequest("aspect_ratio " + given + " does not match resolution " + resolution
                    + ", which is " + actual);
        }
        return given;
    }

    private String lastFrame(ModelSpec model, String uri) {
        if (!model.lastFrame()) {
            throw new Errors.InvalidRequest("last_frame_uri is not supported by model " + Printable.clip(model.id()));
        }
        return mediaUris.checkImage("last_frame_uri", uri);
    }

    private static String join(List<Integer> values) {
        return values.stream().map(String::valueOf).collect(Collectors.joining(", "));
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        return java.util.stream.Stream.concat(a.stream(), b.stream()).collect(Collectors.toUnmodifiableSet());
    }
}
