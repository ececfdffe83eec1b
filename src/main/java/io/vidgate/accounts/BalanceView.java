package io.vidgate.accounts;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** GET /v2/balance. */
@RegisterForReflection
public record BalanceView(long available, long reserved, String currency) {

    public static BalanceView of(long available, long reserved) {
        return new BalanceView(available, reserved, "credits");
    }
}
