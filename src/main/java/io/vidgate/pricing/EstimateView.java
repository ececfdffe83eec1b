package io.vidgate.pricing;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** POST /v2/estimate: what the job would cost and whether the balance covers it. */
@RegisterForReflection
public record EstimateView(long credits, int rateCreditsPerSecond, int billedSeconds, Balance balance, boolean affordable) {

    public record Balance(long available) {
    }

    public static EstimateView of(Price price, long available) {
        return new EstimateView(price.credits(), price.ratePerSecond(), price.billedSeconds(), new Balance(available),
                available >= price.credits());
    }
}
