package io.vidgate.uploads;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;

import java.util.UUID;

/**
 * Upload bytes in PostgreSQL, one 1 MiB bytea row per chunk ({@code upload_chunks}), so that neither a write nor a
 * read ever handles more than one chunk. Chunks go when their upload row goes (ON DELETE CASCADE).
 */
public class PostgresUploadStorage implements UploadStorage {

    private final Pool pool;

    public PostgresUploadStorage(Pool pool) {
        this.pool = pool;
    }

    @Override
    public Writer writer(UUID id, String contentType, long size) {
        return new Writer() {
            private int next;

            /** Overwrites a chunk left by an earlier, failed PUT of the same upload. */
            @Override
            public Uni<Void> write(Buffer chunk) {
                int n = next++;
                return pool.preparedQuery("""
                                INSERT INTO upload_chunks (upload_id, n, data) VALUES ($1, $2, $3)
                                ON CONFLICT (upload_id, n) DO UPDATE SET data = EXCLUDED.data""")
                        .execute(Tuple.of(id, n, chunk))
                        .replaceWithVoid();
            }

            @Override
            public Uni<Void> finish() {
                return Uni.createFrom().voidItem();
            }

            @Override
            public Uni<Void> abort() {
                return delete(id);
            }
        };
    }

    @Override
    public Multi<Buffer> read(UUID id, long size) {
        int chunks = (int) ((size + CHUNK_BYTES - 1) / CHUNK_BYTES);
        return Multi.createFrom().range(0, chunks)
                .onItem().transformToUniAndConcatenate(n -> chunk(id, n));
    }

    private Uni<Buffer> chunk(UUID id, int n) {
        return pool.preparedQuery("SELECT data FROM upload_chunks WHERE upload_id = $1 AND n = $2")
                .execute(Tuple.of(id, n))
                .map(RowSet::iterator)
                .map(rows -> {
                    if (!rows.hasNext()) {
                        throw new IllegalStateException("upload " + id + " is missing chunk " + n);
                    }
                    Row row = rows.next();
                    return row.getDelegate().getBuffer("data");
                });
    }

    @Override
    public Uni<Void> delete(UUID id) {
        return pool.preparedQuery("DELETE FROM upload_chunks WHERE upload_id = $1")
                .execute(Tuple.of(id))
                .replaceWithVoid();
    }
}
