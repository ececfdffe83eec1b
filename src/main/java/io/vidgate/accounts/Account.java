package io.vidgate.accounts;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;
import java.util.UUID;

/**
 * A customer account. The balance columns are a projection of the ledger and are written only by the explicit
 * SQL of the ledger and job services, never through this entity (they are read-only here).
 */
@Entity
@Table(name = "accounts")
public class Account extends PanacheEntityBase {

    @Id
    public UUID id;

    public String name;

    @Column(name = "concurrency_limit")
    public int concurrencyLimit;

    @Column(name = "rate_limit_per_minute")
    public int rateLimitPerMinute;

    @Column(name = "webhook_secret")
    public String webhookSecret;

    @Column(insertable = false, updatable = false)
    public long available;

    @Column(insertable = false, updatable = false)
    public long reserved;

    @Column(name = "created_at")
    public Instant createdAt;
}
