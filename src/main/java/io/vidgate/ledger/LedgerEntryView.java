package io.vidgate.ledger;

import io.quarkus.runtime.annotations.RegisterForReflection;
import io.vidgate.http.Times;

import java.util.UUID;

/** One ledger entry as the API shows it (docs/api.md 2.5). */
@RegisterForReflection
public record LedgerEntryView(UUID id, String kind, long amount, long availableAfter, long reservedAfter, UUID jobId,
                              String description, String createdAt) {

    public static LedgerEntryView of(LedgerEntry entry) {
        return new LedgerEntryView(entry.id, entry.kind, entry.amount, entry.availableAfter, entry.reservedAfter,
                entry.jobId, entry.description, Times.format(entry.createdAt));
    }
}
