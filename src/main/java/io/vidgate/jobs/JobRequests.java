package io.vidgate.jobs;

import io.smallrye.mutiny.Uni;
import io.vidgate.http.JsonBody;
import io.vidgate.media.MediaInputs;
import io.vidgate.media.MediaKind;
import io.vidgate.media.MediaUris;
import io.vidgate.pricing.GenerationType;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Set;
import java.util.UUID;

/** Reads the body of a create or estimate request of any type into a priced {@link JobRequest}. */
@ApplicationScoped
public class JobRequests {

    private final JobRequestParser textAndImage;
    private final AudioToVideoParser audioToVideo;
    private final RetakeParser retake;
    private final ExtendParser extend;
    private final MediaInputs media;

    JobRequests(JobRequestParser textAndImage, AudioToVideoParser audioToVideo, RetakeParser retake,
                ExtendParser extend, MediaInputs media) {
        this.textAndImage = textAndImage;
        this.audioToVideo = audioToVideo;
        this.retake = retake;
        this.extend = extend;
        this.media = media;
    }

    /** The fields a request of this type may have; any other is a 400. */
    public static Set<String> fields(GenerationType type) {
        return switch (type) {
            case TEXT_TO_VIDEO, IMAGE_TO_VIDEO -> JobRequestParser.fields(type);
            case AUDIO_TO_VIDEO -> AudioToVideoParser.FIELDS;
            case RETAKE -> RetakeParser.FIELDS;
            case EXTEND -> ExtendParser.FIELDS;
        };
    }

    /** The validated, priced request; fails with the 400/413 of the first rule it breaks. */
    public Uni<JobRequest> parse(UUID accountId, GenerationType type, JsonBody body) {
        return switch (type) {
            case TEXT_TO_VIDEO -> Uni.createFrom().item(textAndImage.parse(type, body));
            case IMAGE_TO_VIDEO -> withUploadedImages(accountId, textAndImage.parse(type, body));
            case AUDIO_TO_VIDEO -> audioToVideo.parse(accountId, body);
            case RETAKE -> retake.parse(accountId, body);
            case EXTEND -> extend.parse(accountId, body);
        };
    }

    /** An image-to-video job may name uploads: they must exist, belong to the caller and hold an image. */
    private Uni<JobRequest> withUploadedImages(UUID accountId, JobRequest request) {
        Uni<Void> checks = Uni.createFrom().voidItem();
        for (String field : new String[] {"image_uri", "last_frame_uri"}) {
            if (request.inputs().get(field) instanceof String uri && MediaUris.isStorageUri(uri)) {
                checks = checks.flatMap(ignored -> media.read(accountId, field, uri, MediaKind.IMAGE).replaceWithVoid());
            }
        }
        return checks.replaceWith(request);
    }
}
