package io.vidgate.uploads;

import io.quarkus.arc.profile.IfBuildProfile;
import io.quarkus.runtime.StartupEvent;
import io.vidgate.config.ProductionRequirements;
import io.vidgate.config.VidgateConfig;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/** The packaged application refuses to start with S3 upload storage that the first upload would find misconfigured. */
@IfBuildProfile("prod")
@ApplicationScoped
public class S3Requirements {

    void check(@Observes @Priority(ProductionRequirements.PRIORITY) StartupEvent event, VidgateConfig config) {
        if (config.uploads().storage() == VidgateConfig.Uploads.Storage.S3) {
            S3Bucket.of(config.uploads().s3());
        }
    }
}
