package io.vidgate.ledger;

/** GET /v2/balance. */
public record BalanceView(long available, long reserved, String currency) {

    public static BalanceView of(long available, long reserved) {
        return new BalanceView(available, reserved, "credits");
    }
}
