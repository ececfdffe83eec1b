package io.vidgate.jobs;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * A generation job. State changes that move credits are explicit SQL in {@link Reservations}; this entity is
 * for reading.
 */
@Entity
@Table(name = "jobs")
public class Job extends PanacheEntityBase {

    @Id
    public UUID id;

    @Column(insertable = false, updatable = false)
    public long seq;

    @Column(name = "account_id")
    public UUID accountId;

    public String type;

    public String status;

    public String model;

    public int duration;

    public String resolution;

    public int fps;

    @Column(name = "generate_audio")
    public boolean generateAudio;

    @Column(name = "credits_estimated")
    public long creditsEstimated;

    @Column(name = "credits_reserved")
    public long creditsReserved;

    @Column(name = "credits_charged")
    public long creditsCharged;

    @Column(name = "credits_refunded")
    public long creditsRefunded;

    public int progress;

    @JdbcTypeCode(SqlTypes.JSON)
    public Map<String, Object> result;

    @JdbcTypeCode(SqlTypes.JSON)
    public Map<String, Object> error;

    @Column(name = "created_at")
    public Instant createdAt;

    @Column(name = "started_at")
    public Instant startedAt;

    @Column(name = "completed_at")
    public Instant completedAt;
}
