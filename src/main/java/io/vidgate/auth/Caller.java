package io.vidgate.auth;

import jakarta.enterprise.context.RequestScoped;

import io.vidgate.accounts.BalanceView;
import io.vidgate.limits.RateLimit;

import java.util.UUID;

/** The account an authenticated public-API request acts for; set by {@link Authentication}. */
@RequestScoped
public class Caller {

    private UUID accountId;
    private RateLimit rateLimit;
    private BalanceView balance;

    void authenticatedAs(UUID accountId, RateLimit rateLimit, BalanceView balance) {
        this.accountId = accountId;
        this.rateLimit = rateLimit;
        this.balance = balance;
    }

    /** The account's balance as the authenticating statement read it, at the start of this request. */
    public BalanceView balance() {
        if (balance == null) {
            throw new IllegalStateException("request was not authenticated");
        }
        return balance;
    }

    /** The rate-limit decision of this request, for the RateLimit-* headers; null before authentication. */
    public RateLimit rateLimit() {
        return rateLimit;
    }

    public UUID accountId() {
        if (accountId == null) {
            throw new IllegalStateException("request was not authenticated");
        }
        return accountId;
    }
}
