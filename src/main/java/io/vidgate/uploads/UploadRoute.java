package io.vidgate.uploads;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vidgate.config.VidgateConfig;
import io.vidgate.http.DatabaseFailures;
import io.vidgate.http.ApiException;
import io.vidgate.http.BodyLimit;
import io.vidgate.http.EnvelopeWriter;
import io.vidgate.http.Errors;
import io.vidgate.http.QueryParams;
import io.vidgate.http.RequestIds;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

/**
 * PUT /uploads/{id}?expires=&signature=: the one PUT of an upload's bytes. A plain Vert.x route, so that the body
 * is streamed to the storage in 1 MiB chunks with back-pressure instead of being read into memory, and so that it
 * runs before the HTTP server's own body limit (it allows 100 MiB where every other route allows 10 MiB; see
 * {@link io.vidgate.http.BodyLimit}). The signature is the credential: no API key.
 * <p>
 * Order of checks: signature (401) -> Content-Length (400, 413) -> claim of the upload (409, 404) -> Content-Type
 * (400) -> body. Exactly one PUT can hold the claim; a PUT that fails hands it back, so the URL can be retried
 * until it expires; a PUT that succeeds makes every later one a 409.
 */
@ApplicationScoped
public class UploadRoute {

    public static final String PATH_PREFIX = "/uploads/";
    /** Before the HTTP server's body-size route (order -2) and after the request id, body-size and overload filters. */
    static final int ORDER = -3;
    private static final Logger LOG = Logger.getLogger(UploadRoute.class);

    private final UploadClaims claims;
    private final UploadStorage storage;
    private final UploadSignature signature;
    private final long maxBytes;
    private final Clock clock = Clock.systemUTC();

    UploadRoute(UploadClaims claims, UploadStorage storage, UploadSignature signature, VidgateConfig config) {
        this.claims = claims;
        this.storage = storage;
        this.signature = signature;
        this.maxBytes = config.uploads().maxBytes();
    }

    void install(@Observes Router router, BodyLimit bodyLimit) {
        bodyLimit.exemptPut(PATH_PREFIX);
        router.route(PATH_PREFIX + ":id").order(ORDER).handler(this::handle);
    }

    private void handle(RoutingContext rc) {
        HttpServerRequest request = rc.request();
        request.pause();
        if (request.method() != HttpMethod.PUT) {
            refuse(rc, new Errors.MethodNotAllowed());
            return;
        }
        Optional<UUID> id = QueryParams.uuid(rc.pathParam("id"));
        String expires = request.getParam("expires");
        long expiresAt = parseLong(expires).orElse(-1L);
        if (id.isEmpty() || expiresAt < 0 || !signature.valid(id.get(), expiresAt, request.getParam("signature"))) {
            refuse(rc, new Errors.Unauthenticated("Invalid upload signature"));
            return;
        }
        if (UploadSignature.expired(expiresAt, clock.instant())) {
            refuse(rc, new Errors.Unauthenticated("Upload URL has expired"));
            return;
        }
        String lengthHeader = request.getHeader("Content-Length");
        if (lengthHeader == null) {
            refuse(rc, new Errors.InvalidRequest("Content-Length header is required"));
            return;
        }
        Optional<Long> length = parseLong(lengthHeader);
        if (length.isEmpty()) {
            refuse(rc, new Errors.InvalidRequest("Content-Length header is invalid"));
            return;
        }
        if (length.get() > maxBytes) {
            refuse(rc, new Errors.TooLarge());
            return;
        }
        if (length.get() == 0) {
            refuse(rc, new Errors.InvalidRequest("Upload body must not be empty"));
            return;
        }
        UUID uploadId = id.get();
        claims.claim(uploadId)
                .subscribe().with(
                        contentType -> claimed(rc, uploadId, contentType, length.get()),
                        failure -> refuse(rc, failure));
    }

    private void claimed(RoutingContext rc, UUID id, String contentType, long length) {
        try {
            receive(rc, id, contentType, length);
        } catch (RuntimeException e) { // e.g. a storage that cannot even start: hand the claim back
            claims.release(id).subscribe().with(done -> refuse(rc, e), failure -> refuse(rc, e));
        }
    }

    private void receive(RoutingContext rc, UUID id, String declared, long length) {
        String contentType = storedType(declared, rc.request().getHeader("Content-Type"));
        if (contentType == null) {
            claims.release(id).subscribe().with(
                    done -> refuse(rc, new Errors.InvalidRequest("Content-Type must be " + declared
                            + ", as in required_headers")),
                    failure -> refuse(rc, failure));
            return;
        }
        UploadBody body = new UploadBody(rc.request(), storage.writer(id, contentType, length), length);
        if ("100-continue".equalsIgnoreCase(rc.request().getHeader("Expect"))) {
            rc.response().writeContinue();
        }
        body.receive()
                .flatMap(received -> claims.store(id, received, contentType))
                .subscribe().with(
                        received -> rc.response().setStatusCode(200)
                                .putHeader("Content-Type", "application/json; charset=utf-8")
                                .end(new JsonObject()
                                        .put("storage_uri", UploadService.storageUri(id))
                                        .put("size", received.size())
                                        .put("content_type", contentType)
                                        .encode()),
                        failure -> body.discard()
                                .onItemOrFailure().transformToUni((v, e) -> claims.release(id))
                                .onItemOrFailure().invoke((v, e) -> refuse(rc, failure))
                                .subscribe().with(v -> { }, e -> { }));
    }

    /**
     * The media type the upload is stored with, or null to refuse the PUT: the declared one, sent as declared. An upload
     * created without a type (application/octet-stream, as the hosted API's v1 clients create theirs) takes the media
     * type its PUT sends, which those clients guess from the file's name.
     */
    static String storedType(String declared, String sent) {
        String type = sent == null ? null : sent.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        if (declared.equals(type)) {
            return declared;
        }
        boolean undeclared = UploadResource.DEFAULT_CONTENT_TYPE.equals(declared);
        return undeclared && type != null && UploadResource.isMediaType(type) ? type : null;
    }

    /**
     * Answers with the envelope. A body that was declared within the limit is read and dropped, so the client sees
     * the answer instead of a reset connection; a larger one is not read, and the connection is closed (as it is
     * when the client waits for 100 Continue, which it then never gets).
     */
    private void refuse(RoutingContext rc, Throwable failure) {
        ApiException error = failure instanceof ApiException api ? api : unexpected(rc, failure);
        HttpServerRequest request = rc.request();
        long declared = parseLong(request.getHeader("Content-Length")).orElse(Long.MAX_VALUE);
        boolean bodyWithheld = "100-continue".equalsIgnoreCase(request.getHeader("Expect"));
        if (error.status() == 413 || declared > maxBytes || bodyWithheld) {
            rc.response().putHeader("Connection", "close");
        } else if (!request.isEnded()) {
            request.handler(ignored -> { });
            request.resume();
        }
        EnvelopeWriter.write(rc, error);
    }

    private static ApiException unexpected(RoutingContext rc, Throwable failure) {
        if (failure instanceof UploadBody.ClientGone) {
            return new Errors.InvalidRequest("Upload body ended early");
        }
        if (DatabaseFailures.isUnavailable(failure)) { // a chunk write that timed out or lost its connection
            return new Errors.Unavailable();
        }
        LOG.errorf(failure, "upload %s failed", RequestIds.of(rc));
        return new Errors.Internal();
    }

    private static Optional<Long> parseLong(String value) {
        if (value == null || value.isEmpty() || value.length() > 18 || !value.chars().allMatch(Character::isDigit)) {
            return Optional.empty();
        }
        return Optional.of(Long.parseLong(value));
    }
}
