package io.vidgate.config;

import io.quarkus.arc.profile.IfBuildProfile;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.Config;

/**
 * The packaged application refuses to start without a database to talk to or with a guessable upload signing key.
 * (The admin and worker tokens and the signing key are required by {@link VidgateConfig} itself; S3 upload storage
 * that is not fully configured is refused by io.vidgate.uploads.S3Requirements, at this same point of start-up.)
 */
@IfBuildProfile("prod")
@ApplicationScoped
public class ProductionRequirements {

    /** Start-up checks run at this priority: before the migrations (io.vidgate.db.Migrations) and anything else. */
    public static final int PRIORITY = 50;
    /** An HMAC key shorter than this is too easy to guess. */
    static final int MIN_SIGNING_KEY_LENGTH = 32;

    void check(@Observes @Priority(PRIORITY) StartupEvent event, Config config, VidgateConfig vidgate) {
        for (String name : new String[] {"quarkus.datasource.reactive.url", "quarkus.datasource.jdbc.url"}) {
            if (config.getOptionalValue(name, String.class).filter(v -> !v.isBlank()).isEmpty()) {
                throw new IllegalStateException(name + " is not set: point QUARKUS_DATASOURCE_REACTIVE_URL and "
                        + "QUARKUS_DATASOURCE_JDBC_URL at the PostgreSQL database");
            }
        }
        if (vidgate.uploads().signingKey().length() < MIN_SIGNING_KEY_LENGTH) {
            throw new IllegalStateException("vidgate.uploads.signing-key must be at least " + MIN_SIGNING_KEY_LENGTH
                    + " characters: set VIDGATE_UPLOADS_SIGNING_KEY to a long random value");
        }
    }
}
