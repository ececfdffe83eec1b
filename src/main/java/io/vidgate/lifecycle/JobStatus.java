package io.vidgate.lifecycle;

import java.util.Arrays;
import java.util.Optional;

/**
 * The job state machine: pending -> processing -> completed | failed | cancelled; pending may also be
 * cancelled, and processing may go back to pending when a retryable attempt fails.
 */
public enum JobStatus {
    PENDING("pending"), PROCESSING("processing"), COMPLETED("completed"), FAILED("failed"), CANCELLED("cancelled");

    public final String wire;

    JobStatus(String wire) {
        this.wire = wire;
    }

    public boolean isActive() {
        return this == PENDING || this == PROCESSING;
    }

    public static Optional<JobStatus> fromWire(String value) {
        return Arrays.stream(values()).filter(s -> s.wire.equals(value)).findFirst();
    }
}
