package io.vidgate.uploads;

import io.vertx.mutiny.sqlclient.Pool;
import io.vidgate.config.VidgateConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

/** The {@link UploadStorage} that {@code vidgate.uploads.storage} names. */
@ApplicationScoped
class UploadStorageProducer {

    @Produces
    @ApplicationScoped
    UploadStorage storage(VidgateConfig config, Pool pool, io.vertx.core.Vertx vertx) {
        return switch (config.uploads().storage()) {
            case POSTGRES -> new PostgresUploadStorage(pool);
            case S3 -> new S3UploadStorage(S3Bucket.of(config.uploads().s3()), vertx);
        };
    }
}
