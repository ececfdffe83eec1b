package io.vidgate.uploads;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;

/**
 * The queries of {@code uploads}. The one-PUT rule lives in SQL: a PUT first moves the row awaiting -> uploading
 * (one conditional UPDATE, so of two racing PUTs exactly one gets the row), then uploading -> stored.
 */
@ApplicationScoped
public class UploadRepository {

    /** The job inputs that may carry a storage_uri; an upload named in an active job is kept until the job ends. */
    static final String REFERENCED_BY_ACTIVE_JOB = """
            EXISTS (SELECT 1 FROM jobs j
                     WHERE j.status IN ('pending', 'processing') AND j.account_id = u.account_id
                       AND 'vidgate://uploads/' || u.id::text IN (j.inputs ->> 'image_uri', j.inputs ->> 'last_frame_uri',
                                                                  j.inputs ->> 'audio_uri', j.inputs ->> 'video_uri'))""";

    private final Pool pool;

    UploadRepository(Pool pool) {
        this.pool = pool;
    }

    Uni<Void> insert(UUID id, UUID accountId, String contentType, Instant uploadExpiresAt, Instant expiresAt) {
        return pool.preparedQuery("""
                        INSERT INTO uploads (id, account_id, content_type, upload_expires_at, expires_at)
                        VALUES ($1, $2, $3, $4, $5)""")
                .execute(Tuple.of(id, accountId, contentType, utc(uploadExpiresAt), utc(expiresAt)))
                .replaceWithVoid();
    }

    /**
     * A result upload of the job, tied to it and owned by its account, created only while {@code leaseToken} is the
     * job's live lease (one statement: the lease check and the insert cannot be separated); false if it is not.
     */
    Uni<Boolean> insertForJob(UUID id, UUID jobId, UUID leaseToken, String contentType, Instant uploadExpiresAt,
                              Instant expiresAt) {
        return pool.preparedQuery("""
                        INSERT INTO uploads (id, account_id, content_type, upload_expires_at, expires_at, job_id)
                        SELECT $1, j.account_id, $3, $4, $5, j.id FROM jobs j
                         WHERE j.id = $2 AND j.lease_token = $6 AND j.status = 'processing' AND NOT j.cancel_requested""")
                .execute(Tuple.tuple().addUUID(id).addUUID(jobId).addString(contentType).addOffsetDateTime(utc(uploadExpiresAt))
                        .addOffsetDateTime(utc(expiresAt)).addUUID(leaseToken))
                .map(rows -> rows.rowCount() == 1);
    }

    /**
     * In the transaction that completes the job: the stored result upload of that job now expires
     * {@code retentionSeconds} after the job ended (the same now() as its completed_at); false if {@code id} is not a
     * stored result upload of the job. Its PUT URL, used already, is cut to that time at the latest, so that a
     * retention shorter than the URL's lifetime keeps upload_expires_at <= expires_at.
     */
    Uni<Boolean> keepAsResult(SqlClient tx, UUID id, UUID jobId, long retentionSeconds) {
        return tx.preparedQuery("""
                        UPDATE uploads SET expires_at = now() + make_interval(secs => $3),
                                           upload_expires_at = least(upload_expires_at, now() + make_interval(secs => $3))
                         WHERE id = $1 AND job_id = $2 AND status = 'stored'""")
                .execute(Tuple.of(id, jobId, (double) retentionSeconds))
                .map(rows -> rows.rowCount() == 1);
    }

    /**
     * The upload that holds the completed job's result (the one its result names, tied to it), or null: one
     * statement, for the signed result URL.
     */
    Uni<UploadRow> resultOf(UUID jobId) {
        return pool.preparedQuery("SELECT " + UploadRow.columns("u") + """
                         FROM uploads u JOIN jobs j ON j.id = u.job_id
                        WHERE u.job_id = $1 AND j.status = 'completed'
                          AND j.result ->> 'video_url' = 'vidgate://uploads/' || u.id::text""")
                .execute(Tuple.of(jobId))
                .map(RowSet::iterator)
                .map(rows -> rows.hasNext() ? UploadRow.of(rows.next()) : null);
    }

    /** awaiting -> uploading while the PUT URL is valid; the content type, or null when this PUT may not proceed. */
    Uni<String> claim(UUID id) {
        return pool.preparedQuery("""
                        UPDATE uploads SET status = 'uploading', claimed_at = now()
                         WHERE id = $1 AND status = 'awaiting' AND upload_expires_at > now()
                        RETURNING content_type""")
                .execute(Tuple.of(id))
                .map(rows -> rows.rowCount() == 0 ? null : rows.iterator().next().getString("content_type"));
    }

    /** uploading -> awaiting: the PUT failed, so the URL may be used again. */
    Uni<Void> release(UUID id) {
        return pool.preparedQuery("""
                        UPDATE uploads SET status = 'awaiting', claimed_at = NULL WHERE id = $1 AND status = 'uploading'""")
                .execute(Tuple.of(id))
                .replaceWithVoid();
    }

    /** uploading -> stored; false if the row is gone or not claimed (then the bytes must be dropped). */
    Uni<Boolean> markStored(UUID id, long size, byte[] sha256, String contentType) {
        return pool.preparedQuery("""
                        UPDATE uploads SET status = 'stored', size = $2, sha256 = $3, stored_at = now(), content_type = $4
                         WHERE id = $1 AND status = 'uploading'""")
                .execute(Tuple.of(id, size, Buffer.buffer(sha256), contentType))
                .map(rows -> rows.rowCount() == 1);
    }

    /** The upload, or null. */
    public Uni<UploadRow> find(UUID id) {
        return pool.preparedQuery("SELECT " + UploadRow.COLUMNS + " FROM uploads WHERE id = $1")
                .execute(Tuple.of(id))
                .map(RowSet::iterator)
                .map(rows -> rows.hasNext() ? UploadRow.of(rows.next()) : null);
    }

    /**
     * Deletes up to {@code limit} uploads that are past their 24 h and not named by an active job, or whose PUT
     * never finished and whose URL expired more than {@code putGraceSeconds} ago; their ids, so that the storage
     * can drop their bytes. SKIP LOCKED: sweepers on several pods take disjoint rows.
     */
    Multi<UUID> deleteExpired(int limit, long putGraceSeconds) {
        return pool.preparedQuery("""
                        DELETE FROM uploads WHERE id IN (
                            SELECT u.id FROM uploads u
                             WHERE (u.expires_at <= now() AND NOT\s""" + REFERENCED_BY_ACTIVE_JOB + """
                                   )
                                OR (u.status <> 'stored'
                                    AND u.upload_expires_at <= now() - make_interval(secs => $2))
                             LIMIT $1
                               FOR UPDATE SKIP LOCKED)
                        RETURNING id""")
                .execute(Tuple.of(limit, (double) putGraceSeconds))
                .onItem().transformToMulti(rows -> Multi.createFrom().iterable(rows))
                .map(row -> row.getUUID("id"));
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
