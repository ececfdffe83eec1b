package io.vidgate.jobs;

import io.vidgate.pricing.GenerationType;
import io.vidgate.pricing.Price;

import io.vidgate.lifecycle.NewJob;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * A create (or estimate) request after validation: every field known, typed and allowed, and its price.
 *
 * @param prompt   null for an audio-to-video job that has only an image, or an extend job without one
 * @param duration the billed seconds of output (text, image, extend) or of input (the audio, the retaken window)
 * @param inputs   what a worker needs besides the job object; stored with the job
 */
public record JobRequest(GenerationType type, String prompt, String model, int duration, String resolution, int fps,
                         boolean generateAudio, Map<String, Object> inputs, String webhookUrl, Price price) {

    public JobRequest {
        inputs = Collections.unmodifiableMap(new LinkedHashMap<>(inputs));
    }

    /** The job this request enqueues for the account, held at its price. */
    public NewJob toNewJob(UUID id, UUID accountId, Duration maxAge) {
        return new NewJob(id, accountId, type.wire, model, duration, resolution, fps, generateAudio, inputs, webhookUrl,
                price.credits(), maxAge);
    }
}
