package io.vidgate.jobs;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vidgate.config.VidgateConfig;
import io.vidgate.db.DatabaseGuard;
import io.vidgate.http.Errors;
import io.vidgate.http.Page;
import io.vidgate.idempotency.IdempotencyKey;
import io.vidgate.idempotency.IdempotencyRecords;
import io.vidgate.idempotency.IdempotencyRecords.Outcome;
import io.vidgate.idempotency.IdempotencyRecords.Scope;
import io.vidgate.metrics.JobMetrics;
import io.vidgate.policy.ContentPolicy;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.UUID;

/**
 * Creating, reading and cancelling jobs. Creation runs the order of api.md 2.1 from the content policy on:
 * policy (422), then one database transaction that checks the concurrency limit (429), reserves the credits
 * (402) and enqueues the job.
 */
@ApplicationScoped
public class JobService {

    /** A reservation that matched no row is tried again this often when neither limit explains it (a race). */
    private static final int RESERVE_ATTEMPTS = 3;

    private static final String FIND_FOR_ACCOUNT =
            "SELECT " + JobRows.COLUMNS + " FROM jobs WHERE id = $1 AND account_id = $2";

    private final Pool pool;
    private final DatabaseGuard database;
    private final JobRepository jobs;
    private final ContentPolicy policy;
    private final VidgateConfig config;
    private final JobMetrics metrics;

    JobService(Pool pool, DatabaseGuard database, JobRepository jobs, ContentPolicy policy, VidgateConfig config,
               JobMetrics metrics) {
        this.pool = pool;
        this.database = database;
        this.jobs = jobs;
        this.policy = policy;
        this.config = config;
        this.metrics = metrics;
    }

    /** The job as created; with an idempotency key, possibly the replay of an earlier create. */
    public Uni<Outcome<JobView>> create(UUID accountId, JobRequest request, IdempotencyKey key) {
        policy.check(request.prompt());
        UUID jobId = UUID.randomUUID();
        return database.call(() -> IdempotencyRecords.once(pool, accountId, Scope.JOBS, key, jobId,
                sql -> reserve(sql, accountId, jobId, request, RESERVE_ATTEMPTS),
                earlier -> jobs.findAny(earlier).map(JobView::asCreated)))
                .invoke(outcome -> {
                    if (!outcome.replayed()) {
                        metrics.reserved(request.price().credits());
                    }
                });
    }

    private Uni<JobView> reserve(SqlClient sql, UUID accountId, UUID jobId, JobRequest request, int attempts) {
        return Reservations.reserve(sql, accountId, jobId, request, config.jobs().maxAge())
                .flatMap(row -> row != null
                        ? Uni.createFrom().item(JobView.of(JobRows.toJob(row)))
                        : refusal(sql, accountId, jobId, request, attempts));
    }

    private Uni<JobView> refusal(SqlClient sql, UUID accountId, UUID jobId, JobRequest request, int attempts) {
        return Reservations.whyNot(sql, accountId).flatMap(account -> {
            if (account == null) {
                return Uni.createFrom().failure(Errors.Unauthenticated.invalidKey());
            }
            if (account.getInteger("active_jobs") >= account.getInteger("concurrency_limit")) {
                return Uni.createFrom().failure(new Errors.ConcurrencyLimited(config.jobs().concurrencyRetryAfter()));
            }
            if (account.getLong("available") < request.price().credits() || attempts <= 1) {
                return Uni.createFrom().failure(new Errors.InsufficientFunds(request.price().credits()));
            }
            return reserve(sql, accountId, jobId, request, attempts - 1);
        });
    }

    /** The hot read of polling clients. */
    public Uni<JobView> get(UUID accountId, UUID jobId, String type) {
        return findForAccount(accountId, jobId).map(job -> {
            if (job == null || (type != null && !type.equals(job.type))) {
                throw Errors.NotFound.job();
            }
            return JobView.of(job);
        });
    }

    /** The account's job, or null: one plain statement on the pool, no ORM session. */
    private Uni<Job> findForAccount(UUID accountId, UUID jobId) {
        return database.call(() -> pool.preparedQuery(FIND_FOR_ACCOUNT).execute(Tuple.of(jobId, accountId)))
                .map(Holds::firstOrNull)
                .map(row -> row == null ? null : JobRows.toJob(row));
    }

    public Uni<Page<JobView>> list(UUID accountId, JobFilter filter, UUID after, int limit) {
        return database.call(() -> jobs.page(accountId, filter, after, limit + 1))
                .map(found -> Page.of(found.stream().map(JobView::of).toList(), limit, view -> view.id().toString()));
    }

    public Uni<JobView> cancel(UUID accountId, UUID jobId) {
        return database.call(() -> Holds.release(pool, Holds.BY_ACCOUNT, JobStatus.CANCELLED.wire, null,
                                "Hold released: job cancelled", jobId, accountId))
                .flatMap(row -> {
                    if (row == null) {
                        return whyNotCancelled(accountId, jobId);
                    }
                    Job job = JobRows.toJob(row);
                    metrics.released(job.status, job.creditsRefunded, false);
                    return Uni.createFrom().item(JobView.of(job));
                });
    }

    private Uni<JobView> whyNotCancelled(UUID accountId, UUID jobId) {
        return findForAccount(accountId, jobId).map(job -> {
            if (job == null) {
                throw Errors.NotFound.job();
            }
            throw new Errors.Conflict("Job is already " + job.status + " and cannot be cancelled");
        });
    }

}
