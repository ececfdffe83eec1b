package io.vidgate.uploads;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.vidgate.testing.Api;
import io.vidgate.testing.TestDatabase;
import io.vidgate.testing.Worker;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The whole upload path with vidgate.uploads.storage=s3, against moto's S3 server. */
@QuarkusTest
@QuarkusTestResource(TestDatabase.class)
@TestProfile(UploadS3ApiTest.S3Storage.class)
class UploadS3ApiTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    public static class S3Storage implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(Moto.class));
        }
    }

    /** Starts moto and points the S3 storage at it; without moto, the storage stays postgres and the test is skipped. */
    public static class Moto implements QuarkusTestResourceLifecycleManager {
        static MotoS3 server;

        @Override
        public Map<String, String> start() {
            server = MotoS3.start();
            if (server == null) {
                return Map.of();
            }
            return Map.of(
                    "vidgate.uploads.storage", "s3",
                    "vidgate.uploads.s3.endpoint", server.endpoint(),
                    "vidgate.uploads.s3.bucket", MotoS3.BUCKET,
                    "vidgate.uploads.s3.access-key", "test-access-key",
                    "vidgate.uploads.s3.secret-key", "test-secret-key");
        }

        @Override
        public void stop() {
            if (server != null) {
                server.close();
            }
        }
    }

    @Inject
    UploadService service;

    @Inject
    UploadSweeper sweeper;

    @BeforeEach
    void needsMoto() {
        Assumptions.assumeTrue(Moto.server != null, "moto (pip install \"moto[server]\") is not installed");
    }

    @Test
    void putCopyToWorkerDownloadAndSweepThroughS3() throws Exception {
        Api.TestAccount account = Api.account(0, 2);
        UploadApiTest.Created upload = UploadApiTest.create(account, "video/mp4");
        byte[] body = UploadApiTest.bytes(2 * 1024 * 1024 + 99, 21);

        given().contentType("video/mp4").body(body).put(upload.uploadUrl()).then().statusCode(200);
        assertEquals(200, Moto.server.objectStatus(upload.id()), "the bytes are in the bucket");

        Path target = Files.createTempFile("upload", ".bin");
        long size = service.copyTo("video_uri", UUID.fromString(account.id()), upload.storageUri(), target, 10L << 20)
                .await().atMost(WAIT);
        assertEquals(body.length, size);
        assertArrayEquals(UploadApiTest.sha256(body), UploadApiTest.sha256(Files.readAllBytes(target)));
        Files.delete(target);

        byte[] downloaded = Worker.api().get("/internal/uploads/" + upload.id()).then().statusCode(200)
                .header("Content-Type", startsWith("video/mp4")).extract().asByteArray();
        assertArrayEquals(UploadApiTest.sha256(body), UploadApiTest.sha256(downloaded));

        UploadApiTest.sql("UPDATE uploads SET upload_expires_at = now() - interval '2 days',"
                + " expires_at = now() - interval '1 day' WHERE id = ?", upload.id());
        while (sweeper.sweepOnce().await().atMost(WAIT) > 0) {
            // until nothing expired is left
        }
        assertEquals(404, Moto.server.objectStatus(upload.id()), "the sweeper deleted the object");
    }
}
