package io.vidgate.ledger;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vidgate.http.Times;

import java.util.UUID;

/** The admin's credit movements as one explicit statement each: balance and ledger row change together. */
final class Grants {

    /** A grant (amount > 0) or an adjustment (amount < 0) that may not take available below zero. */
    private static final String CREDIT = """
            WITH acc AS (
                UPDATE accounts SET available = available + $2, credited = credited + $2
                 WHERE id = $1 AND available + $2 >= 0
             RETURNING id, available, reserved
            )
            INSERT INTO ledger_entries (id, account_id, kind, amount, reserved_delta, charged_delta,
                                        available_after, reserved_after, job_id, description)
            SELECT $3, acc.id, CASE WHEN $2 > 0 THEN 'grant' ELSE 'adjustment' END, $2, 0, 0,
                   acc.available, acc.reserved, NULL, $4
              FROM acc
            RETURNING id, seq, account_id, kind, amount, reserved_delta, charged_delta, available_after, reserved_after,
                      job_id, description, created_at""";

    private static final String FIND = """
            SELECT id, seq, account_id, kind, amount, reserved_delta, charged_delta, available_after, reserved_after,
                   job_id, description, created_at
              FROM ledger_entries WHERE id = $1""";

    private Grants() {
    }

    /** The new entry, or null if nothing changed (not enough available). */
    static Uni<LedgerEntryView> credit(SqlClient sql, UUID accountId, UUID entryId, long amount, String description) {
        return sql.preparedQuery(CREDIT).execute(Tuple.of(accountId, amount, entryId, description)).map(rows -> {
            var it = rows.iterator();
            return it.hasNext() ? view(it.next()) : null;
        });
    }

    /** An entry a grant made, or null: for an idempotent replay. */
    static Uni<LedgerEntryView> find(SqlClient sql, UUID entryId) {
        return sql.preparedQuery(FIND).execute(Tuple.of(entryId)).map(rows -> {
            var it = rows.iterator();
            return it.hasNext() ? view(it.next()) : null;
        });
    }

    private static LedgerEntryView view(Row row) {
        return new LedgerEntryView(row.getUUID("id"), row.getString("kind"), row.getLong("amount"),
                row.getLong("available_after"), row.getLong("reserved_after"), row.getUUID("job_id"),
                row.getString("description"), Times.format(row.getOffsetDateTime("created_at").toInstant()));
    }
}
