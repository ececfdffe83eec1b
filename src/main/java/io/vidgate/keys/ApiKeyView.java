package io.vidgate.keys;

import io.quarkus.runtime.annotations.RegisterForReflection;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.vidgate.http.Times;

import java.util.UUID;

/** An API key as the admin API shows it; {@code key} (the secret) is present only in the response that issues it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@RegisterForReflection
public record ApiKeyView(UUID id, String key, String prefix, String name, String createdAt, String revokedAt) {

    public static ApiKeyView of(ApiKey apiKey) {
        return new ApiKeyView(apiKey.id, null, apiKey.prefix, apiKey.name, Times.format(apiKey.createdAt),
                Times.format(apiKey.revokedAt));
    }

    static ApiKeyView issued(ApiKey apiKey, String plaintext) {
        return new ApiKeyView(apiKey.id, plaintext, apiKey.prefix, apiKey.name, Times.format(apiKey.createdAt), null);
    }
}
