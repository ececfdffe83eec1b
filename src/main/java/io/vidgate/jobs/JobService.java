package io.vidgate.jobs;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vidgate.config.VidgateConfig;
import io.vidgate.db.DatabaseGuard;
import io.vidgate.http.Errors;
import io.vidgate.http.Page;
import io.vidgate.idempotency.IdempotencyKey;
import io.vidgate.idempotency.IdempotencyRecords;
import io.vidgate.idempotency.IdempotencyRecords.Outcome;
import io.vidgate.idempotency.IdempotencyRecords.Scope;
import io.vidgate.lifecycle.JobReads;
import io.vidgate.lifecycle.JobRow;
import io.vidgate.lifecycle.JobStatements;
import io.vidgate.lifecycle.NewJob;
import io.vidgate.metrics.JobMetrics;
import io.vidgate.policy.ContentPolicy;
import io.vidgate.results.ResultLinks;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.UUID;
import java.util.function.Function;

/**
 * Creating, reading and cancelling jobs. Creation runs the order of docs/api.md 2.1 from the content policy on:
 * policy (422), then one database transaction that claims the Idempotency-Key (or finds the job it already made),
 * checks the concurrency limit (429), reserves the credits (402) and enqueues the job. This service opens that
 * transaction; the idempotency claim and replay are steps inside it.
 */
@ApplicationScoped
public class JobService {

    /** A reservation that matched no row is tried again this often when neither limit explains it (a race). */
    private static final int RESERVE_ATTEMPTS = 3;

    private final Pool pool;
    private final DatabaseGuard database;
    private final ContentPolicy policy;
    private final VidgateConfig config;
    private final JobMetrics metrics;
    private final ResultLinks results;

    JobService(Pool pool, DatabaseGuard database, ContentPolicy policy, VidgateConfig config, JobMetrics metrics,
               ResultLinks results) {
        this.results = results;
        this.pool = pool;
        this.database = database;
        this.policy = policy;
        this.config = config;
        this.metrics = metrics;
    }

    /** The job as created; with an idempotency key, possibly the replay of an earlier create. */
    public Uni<Outcome<JobView>> create(UUID accountId, JobRequest request, IdempotencyKey key) {
        policy.check(request.prompt());
        NewJob job = request.toNewJob(UUID.randomUUID(), accountId, config.jobs().maxAge());
        return database.call(() -> transaction(key, tx -> IdempotencyRecords.claim(tx, accountId, Scope.JOBS, key, job.id())
                        .flatMap(claimed -> claimed
                                ? reserve(tx, job, RESERVE_ATTEMPTS).map(Outcome::fresh)
                                : replay(tx, accountId, key).map(Outcome::replay))))
                .invoke(created -> {
                    if (!created.replayed()) {
                        metrics.reserved(job.credits());
                    }
                });
    }

    /**
     * The create's transaction. With an Idempotency-Key it spans the claim and the reservation (or the replay), so that
     * a refused reservation leaves no claimed key. Without one the only write is the reserve statement, which is atomic
     * on its own (account, job and ledger entry in one statement), so it runs as its own transaction: an explicit
     * BEGIN and COMMIT around it cost two round trips per create, 0.86x of the create throughput
     * (bench/results/before-after-create-tx-2026-12-07.md).
     */
    private <T> Uni<T> transaction(IdempotencyKey key, Function<SqlClient, Uni<T>> work) {
        return key == null ? work.apply(pool) : pool.withTransaction(work::apply);
    }

    private Uni<JobView> reserve(SqlClient tx, NewJob job, int attempts) {
        return JobStatements.reserve(tx, job)
                .flatMap(row -> row != null
                        ? Uni.createFrom().item(JobView.of(row, results))
                        : refusal(tx, job, attempts));
    }

    private Uni<JobView> refusal(SqlClient tx, NewJob job, int attempts) {
        return JobStatements.whyNotReserved(tx, job.accountId()).flatMap(account -> {
            if (account == null) {
                return Uni.createFrom().failure(Errors.Unauthenticated.invalidKey());
            }
            if (account.atConcurrencyLimit()) {
                return Uni.createFrom().failure(new Errors.ConcurrencyLimited(config.jobs().concurrencyRetryAfter()));
            }
            if (account.available() < job.credits() || attempts <= 1) {
                return Uni.createFrom().failure(new Errors.InsufficientFunds(job.credits()));
            }
            return reserve(tx, job, attempts - 1);
        });
    }

    /** The job the key already created, exactly as its create answered. */
    private static Uni<JobView> replay(SqlClient tx, UUID accountId, IdempotencyKey key) {
        return IdempotencyRecords.earlierEffect(tx, accountId, Scope.JOBS, key)
                .flatMap(jobId -> JobReads.find(tx, jobId))
                .map(JobView::asCreated);
    }

    /** The hot read of polling clients. */
    public Uni<JobView> get(UUID accountId, UUID jobId, String type) {
        return database.call(() -> JobReads.findForAccount(pool, accountId, jobId)).map(job -> {
            if (job == null || (type != null && !type.equals(job.type()))) {
                throw Errors.NotFound.job();
            }
            return JobView.of(job, results);
        });
    }

    public Uni<Page<JobView>> list(UUID accountId, JobFilter filter, UUID after, int limit) {
        return database.call(() -> JobReads.page(pool, accountId, filter.status(), filter.type(), after, limit + 1))
                .map(found -> Page.of(found.stream().map(job -> JobView.of(job, results)).toList(), limit,
                        view -> view.id().toString()));
    }

    public Uni<JobView> cancel(UUID accountId, UUID jobId) {
        return database.call(() -> JobStatements.releaseByOwner(pool, jobId, accountId))
                .flatMap(job -> {
                    if (job == null) {
                        return whyNotCancelled(accountId, jobId);
                    }
                    metrics.released(job.status(), job.creditsRefunded(), false);
                    return Uni.createFrom().item(JobView.of(job, results));
                });
    }

    private Uni<JobView> whyNotCancelled(UUID accountId, UUID jobId) {
        return database.call(() -> JobReads.findForAccount(pool, accountId, jobId)).map(job -> {
            if (job == null) {
                throw Errors.NotFound.job();
            }
            throw new Errors.Conflict("Job is already " + job.status() + " and cannot be cancelled");
        });
    }
}
