package io.vidgate.media;

import io.smallrye.mutiny.Uni;
import io.vidgate.config.VidgateConfig;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vidgate.uploads.UploadService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.nio.file.Path;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * What endpoints call: a {@code *_uri} field (https URL or data URI) in, its {@link MediaInfo} out. The bytes go to
 * a temp file that is deleted when the probe ends, however it ends, so callers never hold a file.
 *
 * <p>Limits: fetched files {@link MediaLimits#maxBytes(MediaKind)} (15 MiB images, 32 MiB audio and video);
 * inline images {@link MediaUris#MAX_INLINE_BYTES} (the contract of docs/api.md 2.1), inline audio and video their
 * kind's limit (the 10 MiB request body is the tighter bound in practice); uploads vidgate.uploads.max-bytes.
 */
@ApplicationScoped
public class MediaInputs {

    private final MediaData data;
    private final MediaFetcher fetcher;
    private final MediaProbe probe;
    private final UploadService uploads;
    private final long maxUploadBytes;

    @Inject
    public MediaInputs(MediaData data, MediaFetcher fetcher, MediaProbe probe, UploadService uploads,
                       VidgateConfig config) {
        this(data, fetcher, probe, uploads, config.uploads().maxBytes());
    }

    MediaInputs(MediaData data, MediaFetcher fetcher, MediaProbe probe, UploadService uploads, long maxUploadBytes) {
        this.data = data;
        this.fetcher = fetcher;
        this.probe = probe;
        this.uploads = uploads;
        this.maxUploadBytes = maxUploadBytes;
    }

    /**
     * Like {@link #inspect}, for a request of this account, which may also name one of its uploads
     * (vidgate://uploads/...). The result is delivered on the caller's Vert.x context: probing runs on a worker
     * thread, and the database work that follows a create needs its event loop.
     */
    public Uni<MediaInfo> read(UUID accountId, String field, String uri, MediaKind kind) {
        Context context = Vertx.currentContext();
        Uni<MediaInfo> read = MediaUris.isStorageUri(uri)
                ? probed(field, kind, () -> uploaded(accountId, field, uri))
                : inspect(field, uri, kind);
        return context == null ? read : read.emitOn(task -> context.runOnContext(ignored -> task.run()));
    }

    private Uni<TempMedia> uploaded(UUID accountId, String field, String uri) {
        Path file = TempMedia.create(null);
        return uploads.copyTo(field, accountId, uri, file, maxUploadBytes)
                .map(size -> new TempMedia(file, size))
                .onFailure().invoke(() -> TempMedia.delete(file));
    }

    public Uni<MediaInfo> inspect(String field, String uri, MediaKind kind) {
        return probed(field, kind, () -> bytesOf(field, uri, kind));
    }

    /** Probes the media the source brings into a temporary file, which is deleted however the probe ends. */
    private Uni<MediaInfo> probed(String field, MediaKind kind, Supplier<Uni<? extends TempMedia>> source) {
        return Uni.createFrom().deferred(source)
                .onItem().transformToUni(media -> probe.probe(field, media.path(), kind)
                        .onTermination().invoke(media::close));
    }

    private Uni<TempMedia> bytesOf(String field, String uri, MediaKind kind) {
        if (uri.regionMatches(true, 0, "data:", 0, 5)) {
            long limit = kind == MediaKind.IMAGE ? MediaUris.MAX_INLINE_BYTES : MediaLimits.maxBytes(kind);
            return data.decode(field, uri, limit);
        }
        return fetcher.fetch(field, uri, MediaLimits.maxBytes(kind)); // which checks the URL, as every URL it calls
    }
}
