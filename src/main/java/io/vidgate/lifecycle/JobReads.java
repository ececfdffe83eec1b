package io.vidgate.lifecycle;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

import java.util.List;
import java.util.Map;
import java.util.UUID;

/** The reads of jobs rows, mapped by {@link JobRow}. An account sees only its own jobs. */
public final class JobReads {

    private static final String FIND_FOR_ACCOUNT = "SELECT " + JobRow.COLUMNS + " FROM jobs WHERE id = $1 AND account_id = $2";
    private static final String FIND = "SELECT " + JobRow.COLUMNS + " FROM jobs WHERE id = $1";
    private static final String STATUS = "SELECT status FROM jobs WHERE id = $1";
    private static final String INPUTS = "SELECT inputs FROM jobs WHERE id = $1";
    private static final String ENDED_AMONG = "SELECT " + JobRow.COLUMNS
            + " FROM jobs WHERE id = ANY($1) AND status IN ('completed', 'failed', 'cancelled')";

    private JobReads() {
    }

    /** The hot read of polling clients: the account's job, or null. */
    public static Uni<JobRow> findForAccount(SqlClient sql, UUID accountId, UUID jobId) {
        return sql.preparedQuery(FIND_FOR_ACCOUNT).execute(Tuple.of(jobId, accountId)).map(JobRow::firstOf);
    }

    /** Any account's job, or null: for an idempotent replay, whose key already names the account. */
    public static Uni<JobRow> find(SqlClient sql, UUID jobId) {
        return sql.preparedQuery(FIND).execute(Tuple.of(jobId)).map(JobRow::firstOf);
    }

    /**
     * One page of the account's jobs, newest first, optionally of one status and one type; {@code after} is the id of
     * the last job of the previous page (a job the account does not have gives an empty page).
     */
    public static Uni<List<JobRow>> page(SqlClient sql, UUID accountId, String status, String type, UUID after,
                                         int size) {
        StringBuilder query = new StringBuilder("SELECT " + JobRow.COLUMNS + " FROM jobs WHERE account_id = $1");
        Tuple params = Tuple.of(accountId);
        if (status != null) {
            params.addString(status);
            query.append(" AND status = $").append(params.size());
        }
        if (type != null) {
            params.addString(type);
            query.append(" AND type = $").append(params.size());
        }
        if (after != null) {
            params.addUUID(after);
            query.append(" AND seq < (SELECT seq FROM jobs WHERE id = $").append(params.size())
                    .append(" AND account_id = $1)");
        }
        params.addInteger(size);
        query.append(" ORDER BY seq DESC LIMIT $").append(params.size());
        return sql.preparedQuery(query.toString()).execute(params).map(JobRow::allOf);
    }

    /** The job's status, or null if there is no such job: to tell a lost lease (409) from an unknown job (404). */
    public static Uni<String> status(SqlClient sql, UUID jobId) {
        return sql.preparedQuery(STATUS).execute(Tuple.of(jobId)).map(rows -> {
            var row = JobStatements.first(rows);
            return row == null ? null : row.getString("status");
        });
    }

    /** The job's inputs, or null if there is no such job. */
    public static Uni<Map<String, Object>> inputs(SqlClient sql, UUID jobId) {
        return sql.preparedQuery(INPUTS).execute(Tuple.of(jobId)).map(rows -> {
            var row = JobStatements.first(rows);
            return row == null ? null : row.getJsonObject("inputs").getMap();
        });
    }

    /** Those of the jobs that have ended (completed, failed or cancelled). */
    public static Uni<List<JobRow>> endedAmong(SqlClient sql, List<UUID> jobIds) {
        return sql.preparedQuery(ENDED_AMONG).execute(Tuple.of(jobIds.toArray(UUID[]::new))).map(JobRow::allOf);
    }
}
