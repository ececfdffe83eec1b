package io.vidgate.results;

import io.smallrye.mutiny.Multi;
import io.vertx.core.buffer.Buffer;

/**
 * A completed job's video, ready to be sent: its media type, its length in bytes when known (null: unknown, send it
 * chunked), and the bytes in order with back-pressure. The body may be subscribed once; cancelling it releases
 * what it holds (the connection to an external URL is reset).
 */
public record ResultStream(String contentType, Long length, Multi<Buffer> body) {
}
