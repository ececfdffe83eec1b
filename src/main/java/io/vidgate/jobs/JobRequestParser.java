package io.vidgate.jobs;

import io.vidgate.config.VidgateConfig;
import io.vidgate.http.Errors;
import io.vidgate.http.JsonBody;
import io.vidgate.http.Printable;
import io.vidgate.media.MediaUris;
import io.vidgate.pricing.Catalog;
import io.vidgate.pricing.GenerationType;
import io.vidgate.pricing.ModelSpec;
import io.vidgate.pricing.Price;
import io.vidgate.pricing.ResolutionTier;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/** Validates the body of a create or estimate request (api.md 2.1), in the order the fields depend on each other. */
@ApplicationScoped
public class JobRequestParser {

    public static final int MAX_PROMPT = 5000;
    static final List<String> CAMERA_MOTIONS = List.of("dolly_in", "dolly_out", "dolly_left", "dolly_right",
            "jib_up", "jib_down", "static", "focus_shift");
    private static final Set<String> TEXT_FIELDS = Set.of("prompt", "model", "duration", "resolution", "fps",
            "generate_audio", "camera_motion", "webhook_url");
    private static final Set<String> IMAGE_FIELDS = union(TEXT_FIELDS, Set.of("image_uri", "last_frame_uri"));

    private final Catalog catalog;
    private final MediaUris mediaUris;
    private final boolean allowInsecureWebhooks;

    JobRequestParser(Catalog catalog, MediaUris mediaUris, VidgateConfig config) {
        this.catalog = catalog;
        this.mediaUris = mediaUris;
        this.allowInsecureWebhooks = config.webhooks().allowInsecure();
    }

    public static Set<String> fields(GenerationType type) {
        return type == GenerationType.IMAGE_TO_VIDEO ? IMAGE_FIELDS : TEXT_FIELDS;
    }

    public JobRequest parse(GenerationType type, JsonBody body) {
        String prompt = body.requiredString("prompt", MAX_PROMPT);
        if (prompt.isBlank()) {
            throw new Errors.InvalidRequest("prompt must not be blank");
        }
        ModelSpec model = model(body.requiredString("model", 100));
        String resolution = body.requiredString("resolution", 20);
        ResolutionTier tier = tier(type, model, resolution);
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
        String cameraMotion = body.optionalString("camera_motion", 32).orElse(null);
        if (cameraMotion != null && !CAMERA_MOTIONS.contains(cameraMotion)) {
            throw new Errors.InvalidRequest("camera_motion must be one of " + String.join(", ", CAMERA_MOTIONS));
        }
        String imageUri = null;
        String lastFrameUri = null;
        if (type == GenerationType.IMAGE_TO_VIDEO) {
            imageUri = mediaUris.checkImage("image_uri", body.requiredString("image_uri", MediaUris.MAX_INLINE_CHARS));
            lastFrameUri = body.optionalString("last_frame_uri", MediaUris.MAX_INLINE_CHARS)
                    .map(uri -> lastFrame(model, uri)).orElse(null);
        }
        String webhookUrl = body.optionalString("webhook_url", MediaUris.MAX_URL_CHARS)
                .map(url -> mediaUris.checkWebhook("webhook_url", url, allowInsecureWebhooks)).orElse(null);
        int rate = model.rate(type, tier).orElseThrow();
        return new JobRequest(type, prompt, model.id(), duration, resolution, fps, generateAudio, cameraMotion,
                imageUri, lastFrameUri, webhookUrl, Price.of(rate, duration));
    }

    private ModelSpec model(String id) {
        return catalog.model(id).orElseThrow(() ->
                new Errors.InvalidRequest("model must be one of " + String.join(", ", catalog.modelIds())));
    }

    private static ResolutionTier tier(GenerationType type, ModelSpec model, String resolution) {
        List<String> allowed = model.resolutions(type);
        if (!allowed.contains(resolution)) {
            throw new Errors.InvalidRequest("resolution must be one of " + String.join(", ", allowed)
                    + " for model " + model.id());
        }
        return ResolutionTier.ofResolution(resolution).orElseThrow();
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
