package io.vidgate.ledger;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.hibernate.annotations.Immutable;

import java.time.Instant;
import java.util.UUID;

/** One append-only row of the credit ledger; written only by explicit SQL, read through Panache. */
@Entity
@Immutable
@Table(name = "ledger_entries")
public class LedgerEntry extends PanacheEntityBase {

    @Id
    public UUID id;

    public long seq;

    @Column(name = "account_id")
    public UUID accountId;

    public String kind;

    public long amount;

    @Column(name = "available_after")
    public long availableAfter;

    @Column(name = "reserved_after")
    public long reservedAfter;

    @Column(name = "job_id")
    public UUID jobId;

    public String description;

    @Column(name = "created_at")
    public Instant createdAt;
}
