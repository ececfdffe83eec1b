package io.vidgate.webhooks;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.List;
import java.util.UUID;

/** A webhook delivery and every attempt made for it, for the admin. */
@RegisterForReflection
public record WebhookDeliveryView(UUID id, UUID jobId, String url, String status, int attempts, String createdAt,
                                  String nextAttemptAt, String deliveredAt, List<Attempt> attemptLog) {

    public record Attempt(String attemptedAt, Integer statusCode, String error, int durationMs) {
    }
}
