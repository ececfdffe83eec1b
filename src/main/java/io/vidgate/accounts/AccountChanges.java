package io.vidgate.accounts;

import io.vidgate.http.Errors;
import io.vidgate.http.JsonBody;

import java.util.Optional;
import java.util.Set;

/** The fields of POST and PATCH /admin/accounts, validated; absent fields are empty. */
public record AccountChanges(Optional<String> name, Optional<Integer> concurrencyLimit,
                             Optional<Integer> rateLimitPerMinute) {

    public static final int MAX_NAME = 200;
    private static final Set<String> FIELDS = Set.of("name", "concurrency_limit", "rate_limit_per_minute");

    public static AccountChanges parse(JsonBody body, boolean nameRequired) {
        body.allowOnly(FIELDS);
        Optional<String> name = body.optionalString("name", MAX_NAME);
        if (nameRequired && name.isEmpty()) {
            throw new Errors.InvalidRequest("name is required");
        }
        if (name.isPresent() && name.get().isBlank()) {
            throw new Errors.InvalidRequest("name must not be blank");
        }
        return new AccountChanges(name,
                body.optionalInt("concurrency_limit", 1, 1000),
                body.optionalInt("rate_limit_per_minute", 1, 100_000));
    }

    void applyTo(Account account) {
        name.ifPresent(n -> account.name = n);
        concurrencyLimit.ifPresent(limit -> account.concurrencyLimit = limit);
        rateLimitPerMinute.ifPresent(limit -> account.rateLimitPerMinute = limit);
    }
}
