package io.vidgate.limits;

import io.vidgate.accounts.BalanceView;

/**
 * What authenticating a request found: the rate-limit decision for its account and the account's balance, read by
 * the same statement (so GET /v2/balance and POST /v2/estimate need no second round trip).
 */
public record Admission(RateLimit decision, BalanceView balance) {
}
