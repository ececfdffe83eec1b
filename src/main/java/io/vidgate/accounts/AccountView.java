package io.vidgate.accounts;

import io.quarkus.runtime.annotations.RegisterForReflection;
import io.vidgate.http.Times;

import java.util.UUID;

/** An account as the admin API shows it (docs/api.md 3). */
@RegisterForReflection
public record AccountView(UUID id, String name, int concurrencyLimit, int rateLimitPerMinute, String webhookSecret,
                          String createdAt, Balance balance) {

    public record Balance(long available, long reserved) {
    }

    public static AccountView of(Account account) {
        return new AccountView(account.id, account.name, account.concurrencyLimit, account.rateLimitPerMinute,
                account.webhookSecret, Times.format(account.createdAt),
                new Balance(account.available, account.reserved));
    }
}
