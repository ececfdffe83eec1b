package io.vidgate.testing;

import io.smallrye.mutiny.Uni;
import io.vidgate.idempotency.IdempotencyKeyForgetter;
import io.vidgate.lifecycle.HoldExpirer;
import io.vidgate.lifecycle.LastAttemptReleaser;
import io.vidgate.lifecycle.LeaseRescuer;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Runs every maintenance agent once, in the order a pod's schedules usually meet them (rescue, last-attempt release,
 * expiry, forgetting keys), so that a test need not wait for the schedules. Two of these running at once are two
 * pods' agents racing.
 */
@ApplicationScoped
public class Sweepers {

    private final LeaseRescuer rescuer;
    private final LastAttemptReleaser lastAttempt;
    private final HoldExpirer expirer;
    private final IdempotencyKeyForgetter forgetter;

    Sweepers(LeaseRescuer rescuer, LastAttemptReleaser lastAttempt, HoldExpirer expirer,
             IdempotencyKeyForgetter forgetter) {
        this.rescuer = rescuer;
        this.lastAttempt = lastAttempt;
        this.expirer = expirer;
        this.forgetter = forgetter;
    }

    /** The number of jobs the agents changed. */
    public Uni<Integer> sweepOnce() {
        return rescuer.runOnce()
                .flatMap(rescued -> lastAttempt.runOnce().map(failed -> rescued + failed))
                .flatMap(changed -> expirer.runOnce().map(expired -> changed + expired))
                .call(forgetter::runOnce);
    }
}
