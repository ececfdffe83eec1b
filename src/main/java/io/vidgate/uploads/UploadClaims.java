package io.vidgate.uploads;

import io.smallrye.mutiny.Uni;
import io.vidgate.db.DatabaseGuard;
import io.vidgate.http.Errors;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.UUID;

/**
 * The database side of one upload PUT ({@link UploadRoute}): exactly one PUT holds an upload's claim at a time; a PUT
 * that fails hands it back (so the URL can be retried until it expires), one that succeeds marks the upload stored.
 */
@ApplicationScoped
class UploadClaims {

    private final UploadRepository uploads;
    private final DatabaseGuard database;

    UploadClaims(UploadRepository uploads, DatabaseGuard database) {
        this.uploads = uploads;
        this.database = database;
    }

    /** pending -> uploading: the content type the upload was created for; 404, 409 or 401 (expired) if not pending. */
    Uni<String> claim(UUID id) {
        return database.call(() -> uploads.claim(id))
                .flatMap(contentType -> contentType == null ? whyNot(id) : Uni.createFrom().item(contentType));
    }

    /** uploading -> pending: the PUT failed; a later PUT with the same URL may try again. */
    Uni<Void> release(UUID id) {
        return uploads.release(id);
    }

    /**
     * uploading -> stored, with the media type the bytes were stored as; if the row went meanwhile (swept), a 404, and
     * the PUT's failure path drops the bytes.
     */
    Uni<UploadBody.Received> store(UUID id, UploadBody.Received received, String contentType) {
        return database.call(() -> uploads.markStored(id, received.size(), received.sha256(), contentType))
                .flatMap(stored -> stored
                        ? Uni.createFrom().item(received)
                        : Uni.createFrom().failure(new Errors.NotFound("Upload not found")));
    }

    /** The claim failed: why. */
    private Uni<String> whyNot(UUID id) {
        return database.call(() -> uploads.find(id)).map(upload -> {
            if (upload == null) {
                throw new Errors.NotFound("Upload not found");
            }
            throw switch (upload.status()) {
                case "stored" -> new Errors.Conflict("Upload already completed");
                case "uploading" -> new Errors.Conflict("Upload already in progress");
                default -> new Errors.Unauthenticated("Upload URL has expired");
            };
        });
    }
}
