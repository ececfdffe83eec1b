package io.vidgate.media;

/** What a `*_uri` field must hold. */
public enum MediaKind {
    IMAGE, AUDIO, VIDEO
}
