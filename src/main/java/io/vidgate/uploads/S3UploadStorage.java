package io.vidgate.uploads;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;

import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Upload bytes as objects in an S3-compatible bucket, over the Vert.x HTTP client with a SigV4 signature (no SDK:
 * small and native-image friendly). A PUT body is streamed to S3 as it arrives (one PutObject with the client's
 * Content-Length and an unsigned payload), and read back as a stream.
 */
public class S3UploadStorage implements UploadStorage {

    private final S3Bucket bucket;
    private final HttpClient http;
    private final SigV4 signer;
    private final Clock clock = Clock.systemUTC();

    S3UploadStorage(S3Bucket bucket, Vertx vertx) {
        this.bucket = bucket;
        this.http = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setMaxPoolSize(32));
        this.signer = new SigV4(bucket.accessKey(), bucket.secretKey(), bucket.region(), "s3");
    }

    @Override
    public Writer writer(UUID id, String contentType, long size) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", contentType);
        headers.put("Content-Length", Long.toString(size));
        Future<HttpClientRequest> opened = request(HttpMethod.PUT, id, headers, SigV4.UNSIGNED_PAYLOAD)
                .onSuccess(request -> request.setChunked(false));
        return new Writer() {
            @Override
            public Uni<Void> write(Buffer chunk) {
                return Uni.createFrom().completionStage(opened.compose(request -> request.write(chunk))
                        .toCompletionStage());
            }

            @Override
            public Uni<Void> finish() {
                return Uni.createFrom().completionStage(opened
                        .compose(request -> request.end().compose(done -> request.response()))
                        .compose(response -> expect(response, 200))
                        .toCompletionStage());
            }

            @Override
            public Uni<Void> abort() {
                opened.onSuccess(HttpClientRequest::reset);
                return delete(id);
            }
        };
    }

    @Override
    public Multi<Buffer> read(UUID id, long size) {
        Future<HttpClientResponse> response = request(HttpMethod.GET, id, Map.of(), SigV4.EMPTY_SHA256)
                .compose(request -> request.send())
                .compose(r -> {
                    if (r.statusCode() != 200) {
                        return r.body().compose(body -> Future.failedFuture(failure(r, body)));
                    }
                    r.pause();
                    return Future.succeededFuture(r);
                });
        return Uni.createFrom().completionStage(response.toCompletionStage())
                .onItem().transformToMulti(r -> io.vertx.mutiny.core.http.HttpClientResponse.newInstance(r).toMulti())
                .map(io.vertx.mutiny.core.buffer.Buffer::getDelegate);
    }

    @Override
    public Uni<Void> delete(UUID id) {
        return Uni.createFrom().completionStage(request(HttpMethod.DELETE, id, Map.of(), SigV4.EMPTY_SHA256)
                .compose(request -> request.send())
                .compose(response -> response.statusCode() == 404 ? response.body().mapEmpty()
                        : expect(response, 204, 200))
                .toCompletionStage());
    }

    private Future<HttpClientRequest> request(HttpMethod method, UUID id, Map<String, String> extra,
                                              String payloadHash) {
        Instant now = clock.instant();
        Map<String, String> signed = new LinkedHashMap<>();
        signed.put("host", bucket.host());
        signed.put("x-amz-date", SigV4.amzDate(now));
        signed.put("x-amz-content-sha256", payloadHash);
        String authorization = signer.authorization(method.name(), bucket.path(id), Map.of(), signed, payloadHash, now);
        RequestOptions options = new RequestOptions().setMethod(method).setAbsoluteURI(bucket.url(id));
        signed.forEach((name, value) -> {
            if (!name.equals("host")) { // the client sends Host from the URI, which is what bucket.host() says
                options.putHeader(name, value);
            }
        });
        extra.forEach(options::putHeader);
        options.putHeader("Authorization", authorization);
        return http.request(options);
    }

    private static Future<Void> expect(HttpClientResponse response, int... ok) {
        for (int status : ok) {
            if (response.statusCode() == status) {
                return response.body().mapEmpty();
            }
        }
        return response.body().compose(body -> Future.failedFuture(failure(response, body)));
    }

    private static IllegalStateException failure(HttpClientResponse response, Buffer body) {
        String text = body.toString();
        return new IllegalStateException("S3 answered " + response.statusCode() + ": "
                + (text.length() > 500 ? text.substring(0, 500) : text));
    }
}
