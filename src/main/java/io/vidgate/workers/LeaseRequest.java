package io.vidgate.workers;

import io.vidgate.http.Errors;
import io.vidgate.http.JsonBody;

import java.util.List;
import java.util.Set;

/** POST /internal/jobs/lease, validated. */
public record LeaseRequest(String workerId, int maxJobs, int leaseSeconds, List<String> types, List<String> models) {

    private static final Set<String> FIELDS = Set.of("worker_id", "max_jobs", "lease_seconds", "types", "models");

    static LeaseRequest parse(JsonBody body) {
        body.allowOnly(FIELDS);
        String workerId = body.requiredString("worker_id", 128);
        if (workerId.isBlank()) {
            throw new Errors.InvalidRequest("worker_id must not be blank");
        }
        return new LeaseRequest(workerId,
                body.optionalInt("max_jobs", 1, 32).orElse(1),
                body.optionalInt("lease_seconds", 10, 3600).orElse(60),
                body.optionalStrings("types", 8, 64).orElse(null),
                body.optionalStrings("models", 32, 100).orElse(null));
    }
}
