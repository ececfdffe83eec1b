package io.vidgate.uploads;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.Map;

/**
 * The answer to POST /v2/upload. {@code expires_at} is when {@code upload_url} stops accepting the PUT;
 * {@code storage_uri_expires_at} (extension) is when the storage_uri stops being usable in *_uri fields.
 */
@RegisterForReflection
public record UploadTicket(String uploadUrl, String storageUri, String expiresAt, Map<String, String> requiredHeaders,
                           String storageUriExpiresAt, long maxBytes) {
}
