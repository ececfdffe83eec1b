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
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * POST /v2/audio-to-video: a video to a soundtrack of 2 to 20 s, from a prompt, a first frame, or both. Billed per
 * started second of the audio, whose length is read from the audio itself.
 */
@ApplicationScoped
public class AudioToVideoParser {

    static final Set<String> FIELDS = Set.of("audio_uri", "image_uri", "prompt", "resolution", "guidance_scale",
            "model", "webhook_url");
    static final long MIN_AUDIO_MILLIS = 2_000;
    static final long MAX_AUDIO_MILLIS = 20_000;
    static final int OUTPUT_FPS = 25;
    static final double GUIDANCE_WITHOUT_IMAGE = 5;
    static final double GUIDANCE_WITH_IMAGE = 9;

    private final JobFields common;
    private final MediaInputs media;

    AudioToVideoParser(JobFields common, MediaInputs media) {
        this.common = common;
        this.media = media;
    }

    public Uni<JobRequest> parse(UUID accountId, JsonBody body) {
        String audioUri = common.requiredMediaUri(body, "audio_uri", MediaKind.AUDIO);
        Optional<String> imageUri = common.optionalMediaUri(body, "image_uri", MediaKind.IMAGE);
        Optional<String> prompt = common.optionalPrompt(body);
        if (prompt.isEmpty() && imageUri.isEmpty()) {
            throw new Errors.InvalidRequest("image_uri is required when prompt is absent");
        }
        ModelSpec model = common.model(GenerationType.AUDIO_TO_VIDEO, body);
        Optional<String> resolution = common.optionalMediaResolution(model, body);
        double guidance = body.optionalNumber("guidance_scale", 1, 50)
                .orElse(imageUri.isPresent() ? GUIDANCE_WITH_IMAGE : GUIDANCE_WITHOUT_IMAGE);
        String webhookUrl = common.webhookUrl(body);
        Uni<MediaInfo> image = imageUri.map(uri -> media.read(accountId, "image_uri", uri, MediaKind.IMAGE))
                .orElse(Uni.createFrom().nullItem());
        return Uni.combine().all()
                .unis(media.read(accountId, "audio_uri", audioUri, MediaKind.AUDIO), image).asTuple()
                .map(read -> {
                    MediaInfo audio = read.getItem1();
                    checkLength(audio);
                    int billed = MediaRules.billedSeconds(audio.durationMillis());
                    Map<String, Object> inputs = new LinkedHashMap<>();
                    JobRequestParser.putIfPresent(inputs, "prompt", prompt.orElse(null));
                    inputs.put("audio_uri", audioUri);
                    JobRequestParser.putIfPresent(inputs, "image_uri", imageUri.orElse(null));
                    inputs.put("guidance_scale", guidance);
                    inputs.put("audio_duration_ms", audio.durationMillis());
                    String output = resolution.orElseGet(() ->
                            JobFields.fromOrientation(model, read.getItem2(), "image_uri"));
                    return new JobRequest(GenerationType.AUDIO_TO_VIDEO, prompt.orElse(null), model.id(), billed,
                            output, OUTPUT_FPS, false, inputs, webhookUrl,
                            model.mediaPrice(GenerationType.AUDIO_TO_VIDEO, billed));
                });
    }

    private static void checkLength(MediaInfo audio) {
        if (audio.durationMillis() < MIN_AUDIO_MILLIS || audio.durationMillis() > MAX_AUDIO_MILLIS) {
            throw new Errors.InvalidRequest("audio_uri must be 2 to 20 seconds long (it is "
                    + MediaRules.seconds(audio.durationMillis()) + ")");
        }
    }
}
