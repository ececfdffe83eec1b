package io.vidgate.keys;

import jakarta.enterprise.context.RequestScoped;

import java.util.UUID;

/** The account an authenticated public-API request acts for; set by {@link Authentication}. */
@RequestScoped
public class Caller {

    private UUID accountId;

    void authenticatedAs(UUID accountId) {
        this.accountId = accountId;
    }

    public UUID accountId() {
        if (accountId == null) {
            throw new IllegalStateException("request was not authenticated");
        }
        return accountId;
    }
}
