package io.vidgate.media;

import io.smallrye.mutiny.Uni;
import io.vidgate.config.VidgateConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * What endpoints call: a {@code *_uri} field (https URL or data URI) in, its {@link MediaInfo} out. The bytes go to
 * a temp file that is deleted when the probe ends, however it ends, so callers never hold a file.
 *
 * <p>Limits: fetched files {@link MediaLimits#maxBytes(MediaKind)} (15 MiB images, 32 MiB audio and video);
 * inline images {@link MediaUris#MAX_INLINE_BYTES} (the contract of api.md 2.1), inline audio and video their
 * kind's limit (the 10 MiB request body is the tighter bound in practice).
 */
@ApplicationScoped
public class MediaInputs {

    private final MediaUris uris;
    private final MediaData data;
    private final MediaFetcher fetcher;
    private final MediaProbe probe;
    private final boolean allowInsecure;

    @Inject
    public MediaInputs(MediaUris uris, MediaData data, MediaFetcher fetcher, MediaProbe probe, VidgateConfig config) {
        this(uris, data, fetcher, probe, config.media().allowInsecure());
    }

    MediaInputs(MediaUris uris, MediaData data, MediaFetcher fetcher, MediaProbe probe, boolean allowInsecure) {
        this.uris = uris;
        this.data = data;
        this.fetcher = fetcher;
        this.probe = probe;
        this.allowInsecure = allowInsecure;
    }

    public Uni<MediaInfo> inspect(String field, String uri, MediaKind kind) {
        return Uni.createFrom().deferred(() -> bytesOf(field, uri, kind))
                .onItem().transformToUni(media -> probe.probe(field, media.path(), kind)
                        .onTermination().invoke(media::close));
    }

    private Uni<TempMedia> bytesOf(String field, String uri, MediaKind kind) {
        if (uri.regionMatches(true, 0, "data:", 0, 5)) {
            long limit = kind == MediaKind.IMAGE ? MediaUris.MAX_INLINE_BYTES : MediaLimits.maxBytes(kind);
            return data.decode(field, uri, limit);
        }
        uris.checkRemote(field, uri, allowInsecure);
        return fetcher.fetch(field, uri, MediaLimits.maxBytes(kind));
    }
}
