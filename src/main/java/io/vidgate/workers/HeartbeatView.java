package io.vidgate.workers;

/** The answer to a heartbeat: when the lease now expires, and whether the job's owner cancelled it. */
public record HeartbeatView(String leaseExpiresAt, boolean cancelRequested) {
}
