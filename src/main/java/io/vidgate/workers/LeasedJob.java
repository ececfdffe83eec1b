package io.vidgate.workers;

import io.quarkus.runtime.annotations.RegisterForReflection;
import io.vidgate.jobs.JobView;

import java.util.Map;

/** One entry of a lease response (docs/api.md 4): the job, what the worker needs to run it, and its lease. */
@RegisterForReflection
public record LeasedJob(JobView job, Map<String, Object> inputs, Lease lease, int attempt) {

    public record Lease(String token, String expiresAt) {
    }
}
