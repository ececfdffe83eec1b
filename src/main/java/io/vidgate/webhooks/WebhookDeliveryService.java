package io.vidgate.webhooks;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vidgate.accounts.AccountService;
import io.vidgate.db.DatabaseGuard;
import io.vidgate.http.Times;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Reads of an account's webhook deliveries with their attempts (GET /admin/accounts/{id}/webhook-deliveries). */
@ApplicationScoped
public class WebhookDeliveryService {

    /** The newest deliveries of an account with all their attempts, oldest attempt first. */
    private static final String LIST = """
            SELECT d.id, d.job_id, d.url, d.status, d.attempts, d.created_at, d.next_attempt_at, d.delivered_at,
                   a.attempted_at, a.status_code, a.error, a.duration_ms
              FROM (SELECT * FROM webhook_deliveries WHERE account_id = $1 ORDER BY created_at DESC LIMIT $2) d
              LEFT JOIN webhook_attempts a ON a.delivery_id = d.id
             ORDER BY d.created_at DESC, d.id, a.id""";

    private final Pool pool;
    private final DatabaseGuard database;
    private final AccountService accounts;

    WebhookDeliveryService(Pool pool, DatabaseGuard database, AccountService accounts) {
        this.pool = pool;
        this.database = database;
        this.accounts = accounts;
    }

    public Uni<List<WebhookDeliveryView>> list(UUID accountId, int limit) {
        return accounts.requireExists(accountId)
                .flatMap(exists -> database.call(() -> pool.preparedQuery(LIST).execute(Tuple.of(accountId, limit))))
                .map(rows -> {
                    Map<UUID, WebhookDeliveryView> deliveries = new LinkedHashMap<>();
                    for (Row row : rows) {
                        WebhookDeliveryView delivery = deliveries.computeIfAbsent(row.getUUID("id"), id -> view(row));
                        if (row.getOffsetDateTime("attempted_at") != null) {
                            delivery.attemptLog().add(new WebhookDeliveryView.Attempt(time(row, "attempted_at"),
                                    row.getInteger("status_code"), row.getString("error"), row.getInteger("duration_ms")));
                        }
                    }
                    return List.copyOf(deliveries.values());
                });
    }

    private static WebhookDeliveryView view(Row row) {
        return new WebhookDeliveryView(row.getUUID("id"), row.getUUID("job_id"), row.getString("url"),
                row.getString("status"), row.getInteger("attempts"), time(row, "created_at"),
                "pending".equals(row.getString("status")) ? time(row, "next_attempt_at") : null,
                time(row, "delivered_at"), new ArrayList<>());
    }

    private static String time(Row row, String column) {
        OffsetDateTime time = row.getOffsetDateTime(column);
        return time == null ? null : Times.format(time.toInstant());
    }
}
