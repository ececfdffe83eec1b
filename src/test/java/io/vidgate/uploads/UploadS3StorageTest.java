package io.vidgate.uploads;

import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Random;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** {@link S3UploadStorage} against a real S3-compatible server (moto), chunk by chunk as the PUT route drives it. */
class UploadS3StorageTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static MotoS3 moto;
    private static Vertx vertx;
    private static S3UploadStorage storage;

    @BeforeAll
    static void start() {
        moto = MotoS3.start();
        Assumptions.assumeTrue(moto != null, "moto (pip install \"moto[server]\") is not installed");
        vertx = Vertx.vertx();
        storage = new S3UploadStorage(new S3Bucket(URI.create(moto.endpoint()), MotoS3.BUCKET, "us-east-1",
                "test-access-key", "test-secret-key", true), vertx);
    }

    @AfterAll
    static void stop() {
        if (vertx != null) {
            vertx.close();
        }
        if (moto != null) {
            moto.close();
        }
    }

    @Test
    void writesInChunksReadsBackAndDeletes() throws Exception {
        UUID id = UUID.randomUUID();
        byte[] data = new byte[3 * UploadStorage.CHUNK_BYTES + 4321];
        new Random(42).nextBytes(data);

        UploadStorage.Writer writer = storage.writer(id, "video/mp4", data.length);
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (int offset = 0; offset < data.length; offset += UploadStorage.CHUNK_BYTES) {
            Buffer chunk = Buffer.buffer().appendBytes(data, offset, Math.min(UploadStorage.CHUNK_BYTES, data.length - offset));
            chain = chain.flatMap(v -> writer.write(chunk));
        }
        chain.flatMap(v -> writer.finish()).await().atMost(WAIT);
        assertEquals(200, moto.objectStatus(id));

        MessageDigest read = MessageDigest.getInstance("SHA-256");
        long size = storage.read(id, data.length)
                .onItem().invoke(buffer -> read.update(buffer.getBytes()))
                .collect().with(java.util.stream.Collectors.summingLong(Buffer::length))
                .await().atMost(WAIT);
        assertEquals(data.length, size);
        assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(data), read.digest());

        storage.delete(id).await().atMost(WAIT);
        assertEquals(404, moto.objectStatus(id));
        storage.delete(id).await().atMost(WAIT); // deleting nothing is fine
        assertThrows(RuntimeException.class, () -> storage.read(id, data.length).collect().asList().await().atMost(WAIT));
    }

    @Test
    void anAbortedWriteLeavesNoObject() throws Exception {
        UUID id = UUID.randomUUID();
        UploadStorage.Writer writer = storage.writer(id, "image/png", 2L * UploadStorage.CHUNK_BYTES);
        writer.write(Buffer.buffer(new byte[UploadStorage.CHUNK_BYTES])).await().atMost(WAIT);
        writer.abort().await().atMost(WAIT);
        assertEquals(404, moto.objectStatus(id));
    }
}
