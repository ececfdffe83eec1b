package io.vidgate.jobs;

import io.vidgate.config.VidgateConfig;
import io.vidgate.http.Errors;
import io.vidgate.http.JsonBody;
import io.vidgate.media.MediaInfo;
import io.vidgate.media.MediaKind;
import io.vidgate.media.MediaUris;
import io.vidgate.pricing.Catalog;
import io.vidgate.pricing.GenerationType;
import io.vidgate.pricing.ModelSpec;
import io.vidgate.pricing.ResolutionTier;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import java.util.Optional;

/** The fields every kind of create request shares, read the same way by each request parser. */
@ApplicationScoped
public class JobFields {

    public static final int MAX_PROMPT = 5000;
    /** The model of a media job (audio-to-video, retake, extend) when the request names none. */
    static final String DEFAULT_MEDIA_MODEL = "ltx-2-3-pro";

    private final Catalog catalog;
    private final MediaUris mediaUris;
    private final boolean allowInsecureWebhooks;
    private final boolean allowInsecureMedia;

    JobFields(Catalog catalog, MediaUris mediaUris, VidgateConfig config) {
        this.catalog = catalog;
        this.mediaUris = mediaUris;
        this.allowInsecureWebhooks = config.webhooks().allowInsecure();
        this.allowInsecureMedia = config.media().allowInsecure();
    }

    /** A media field's URI, checked in form only (what it holds is read later, by io.vidgate.media.MediaInputs). */
    public Optional<String> optionalMediaUri(JsonBody body, String field, MediaKind kind) {
        return body.optionalString(field, MediaUris.MAX_INLINE_CHARS)
                .map(uri -> mediaUris.checkMedia(field, uri, kind, allowInsecureMedia));
    }

    public String requiredMediaUri(JsonBody body, String field, MediaKind kind) {
        return optionalMediaUri(body, field, kind).orElseThrow(() -> new Errors.InvalidRequest(field + " is required"));
    }

    public String requiredPrompt(JsonBody body) {
        return optionalPrompt(body).orElseThrow(() -> new Errors.InvalidRequest("prompt is required"));
    }

    public Optional<String> optionalPrompt(JsonBody body) {
        Optional<String> prompt = body.optionalString("prompt", MAX_PROMPT);
        if (prompt.filter(String::isBlank).isPresent()) {
            throw new Errors.InvalidRequest("prompt must not be blank");
        }
        return prompt;
    }

    /** The model of the request, which must offer the type; media jobs default to {@link #DEFAULT_MEDIA_MODEL}. */
    public ModelSpec model(GenerationType type, JsonBody body) {
        Optional<String> named = body.optionalString("model", 100);
        if (named.isEmpty() && !type.mediaPriced()) {
            throw new Errors.InvalidRequest("model is required");
        }
        return catalog.model(named.orElse(DEFAULT_MEDIA_MODEL))
                .filter(model -> model.offers(type))
                .orElseThrow(() -> new Errors.InvalidRequest("model must be one of "
                        + String.join(", ", catalog.modelIds(type)) + (type.mediaPriced() ? " for " + type.wire : "")));
    }

    public String webhookUrl(JsonBody body) {
        return body.optionalString("webhook_url", MediaUris.MAX_URL_CHARS)
                .map(url -> mediaUris.checkWebhook("webhook_url", url, allowInsecureWebhooks)).orElse(null);
    }

    /** The resolution a request names, if it is one the model offers for the type (checked before media is read). */
    public Optional<String> optionalMediaResolution(ModelSpec model, JsonBody body) {
        return body.optionalString("resolution", 20).map(resolution -> {
            List<String> allowed = ModelSpec.MEDIA_TIER.resolutions(model.landscapeOnly());
            if (!allowed.contains(resolution)) {
                throw new Errors.InvalidRequest("resolution must be one of " + String.join(", ", allowed)
                        + " for model " + model.id());
            }
            return resolution;
        });
    }

    /** The output resolution that follows the orientation of the media a job starts from (landscape if none). */
    public static String fromOrientation(ModelSpec model, MediaInfo media, String field) {
        ResolutionTier tier = ModelSpec.MEDIA_TIER;
        if (media == null || !media.portrait()) {
            return tier.landscape();
        }
        requireLandscapeModelAllowsPortrait(model, field);
        return tier.portrait();
    }

    /** A portrait input (named by {@code field}) is refused by a model that makes landscape video only. */
    static void requireLandscapeModelAllowsPortrait(ModelSpec model, String field) {
        if (model.landscapeOnly()) {
            throw new Errors.InvalidRequest(field + " is portrait, but model " + model.id()
                    + " makes landscape video only");
        }
    }
}
