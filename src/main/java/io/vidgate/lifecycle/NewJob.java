package io.vidgate.lifecycle;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

/**
 * What {@link JobStatements#reserve} enqueues: a validated, priced request of an account.
 *
 * @param credits the price, held from the account's available credits until the job ends
 * @param maxAge  the job's hold expires (and the job fails) if it is still active this long after creation
 */
public record NewJob(UUID id, UUID accountId, String type, String model, int duration, String resolution, int fps,
                     boolean generateAudio, Map<String, Object> inputs, String webhookUrl, long credits,
                     Duration maxAge) {
}
