package io.vidgate.jobs;

import io.vidgate.pricing.GenerationType;
import io.vidgate.pricing.Price;

import java.util.LinkedHashMap;
import java.util.Map;

/** A create (or estimate) request after validation: every field known, typed and allowed, and its price. */
public record JobRequest(GenerationType type, String prompt, String model, int duration, String resolution, int fps,
                         boolean generateAudio, String cameraMotion, String imageUri, String lastFrameUri,
                         String webhookUrl, Price price) {

    /** What a worker needs besides the job object; stored with the job. */
    public Map<String, Object> inputs() {
        Map<String, Object> inputs = new LinkedHashMap<>();
        inputs.put("prompt", prompt);
        if (cameraMotion != null) {
            inputs.put("camera_motion", cameraMotion);
        }
        if (imageUri != null) {
            inputs.put("image_uri", imageUri);
        }
        if (lastFrameUri != null) {
            inputs.put("last_frame_uri", lastFrameUri);
        }
        return inputs;
    }
}
