package io.vidgate.uploads;

import io.vidgate.config.VidgateConfig;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Where S3 objects of uploads go: {@code uploads/<id>} in one bucket of an S3-compatible server. */
public record S3Bucket(URI endpoint, String bucket, String region, String accessKey, String secretKey, boolean pathStyle) {

    public static S3Bucket of(VidgateConfig.Uploads.S3 config) {
        List<String> missing = missing(config);
        if (!missing.isEmpty()) {
            throw new IllegalStateException("vidgate.uploads.storage=s3 needs " + String.join(", ", missing));
        }
        URI endpoint = URI.create(config.endpoint().get().replaceAll("/+$", ""));
        return new S3Bucket(endpoint, config.bucket().get(), config.region(), config.accessKey().get(),
                config.secretKey().get(), config.pathStyle());
    }

    /** The VIDGATE_UPLOADS_S3_* settings that are required but not set. */
    private static List<String> missing(VidgateConfig.Uploads.S3 config) {
        List<String> missing = new ArrayList<>();
        check(missing, config.endpoint(), "VIDGATE_UPLOADS_S3_ENDPOINT");
        check(missing, config.bucket(), "VIDGATE_UPLOADS_S3_BUCKET");
        check(missing, config.accessKey(), "VIDGATE_UPLOADS_S3_ACCESS_KEY");
        check(missing, config.secretKey(), "VIDGATE_UPLOADS_S3_SECRET_KEY");
        return missing;
    }

    private static void check(List<String> missing, Optional<String> value, String name) {
        if (value.filter(v -> !v.isBlank()).isEmpty()) {
            missing.add(name);
        }
    }

    String key(UUID id) {
        return "uploads/" + id;
    }

    /** The URI-encoded path of the object (what SigV4 signs). */
    String path(UUID id) {
        String base = endpoint.getRawPath() == null ? "" : endpoint.getRawPath();
        return pathStyle ? base + "/" + SigV4.encode(bucket) + "/" + key(id) : base + "/" + key(id);
    }

    /** The Host header: with the port when the endpoint names one. */
    String host() {
        String host = pathStyle ? endpoint.getHost() : bucket + "." + endpoint.getHost();
        return endpoint.getPort() == -1 ? host : host + ":" + endpoint.getPort();
    }

    String url(UUID id) {
        return endpoint.getScheme() + "://" + host() + path(id);
    }
}
