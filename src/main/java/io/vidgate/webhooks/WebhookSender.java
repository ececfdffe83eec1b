package io.vidgate.webhooks;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vidgate.config.VidgateConfig;
import io.vidgate.jobs.JobView;
import io.vidgate.metrics.JobMetrics;
import io.vidgate.results.ResultLinks;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Delivers job-end events from the outbox (at least once): signs the job object per Standard Webhooks with the
 * account's secret, POSTs it, and records each attempt. A non-2xx answer, a timeout or a refused connection is
 * retried with exponential backoff until 24 h after the job ended. It runs beside the job path, never in it: a
 * job's end is committed (with its outbox row) before any delivery is tried.
 */
@ApplicationScoped
public class WebhookSender {

    static final int BATCH = 20;
    private static final Logger LOG = Logger.getLogger(WebhookSender.class);

    private final Pool pool;
    private final VidgateConfig.Webhooks config;
    private final ObjectMapper json;
    private final JobMetrics metrics;
    private final ResultLinks results;
    private final HttpClient http = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();

    WebhookSender(Pool pool, VidgateConfig config, ObjectMapper json, JobMetrics metrics, ResultLinks results) {
        this.results = results;
        this.pool = pool;
        this.config = config.webhooks();
        this.json = json;
        this.metrics = metrics;
    }

    @Scheduled(every = "${vidgate.webhooks.poll-interval}", delayed = "5s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> poll() {
        return deliverDue()
                .onFailure().invoke(e -> LOG.warnf("webhook delivery pass failed, will run again: %s", e.toString()))
                .onFailure().recoverWithNull()
                .replaceWithVoid();
    }

    /** Claims and attempts every due delivery once; the number attempted. */
    public Uni<Integer> deliverDue() {
        return Deliveries.claim(pool, BATCH, config.requestTimeout().plusSeconds(30))
                .flatMap(due -> due.isEmpty()
                        ? Uni.createFrom().item(0)
                        : Uni.join().all(due.stream().map(this::attempt).toList()).andCollectFailures()
                                .map(List::size));
    }

    private Uni<Void> attempt(Deliveries.Due due) {
        String body;
        try {
            body = json.writeValueAsString(JobView.of(due.job(), results));
        } catch (JsonProcessingException e) {
            return Uni.createFrom().failure(e);
        }
        long timestamp = Instant.now().getEpochSecond();
        String id = due.id().toString();
        HttpRequest request = HttpRequest.newBuilder(URI.create(due.url()))
                .timeout(config.requestTimeout())
                .header("Content-Type", "application/json")
                .header("webhook-id", id)
                .header("webhook-timestamp", Long.toString(timestamp))
                .header("webhook-signature", WebhookSignature.sign(due.secret(), id, timestamp, body))
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        long started = System.nanoTime();
        return Uni.createFrom().completionStage(() -> http.sendAsync(request, HttpResponse.BodyHandlers.discarding()))
                .map(response -> new Outcome(response.statusCode(), null))
                .onFailure().recoverWithItem(e -> new Outcome(null, e.getClass().getSimpleName()
                        + (e.getMessage() == null ? "" : ": " + e.getMessage())))
                .flatMap(outcome -> {
                    boolean delivered = outcome.status() != null && outcome.status() / 100 == 2;
                    metrics.webhookAttempt(delivered);
                    String error = delivered ? null
                            : outcome.error() != null ? outcome.error() : "HTTP " + outcome.status();
                    return Deliveries.record(pool, due.id(), outcome.status(), error,
                            Duration.ofNanos(System.nanoTime() - started).toMillis(), delivered,
                            config.giveUpAfter(), config.initialBackoff(), config.maxBackoff());
                });
    }

    private record Outcome(Integer status, String error) {
    }
}
