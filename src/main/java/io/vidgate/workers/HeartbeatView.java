package io.vidgate.workers;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** The answer to a heartbeat: when the lease now expires, and whether the job's owner cancelled it. */
@RegisterForReflection
public record HeartbeatView(String leaseExpiresAt, boolean cancelRequested) {
}
