package io.vidgate.workers;

import java.util.Base64;

/** The decoded bytes of a data URI (already checked at create) and its media type. */
public record InlineMedia(String mediaType, byte[] bytes) {

    static InlineMedia of(String dataUri) {
        int comma = dataUri.indexOf(',');
        String header = dataUri.substring("data:".length(), comma);
        String mediaType = header.substring(0, header.indexOf(';'));
        return new InlineMedia(mediaType, Base64.getDecoder().decode(dataUri.substring(comma + 1)));
    }
}
