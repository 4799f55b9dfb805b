package io.vitsom.model.data;

import java.io.IOException;

/**
 * Bytes that cannot be decoded as an image. {@link #reason()} is a short, stable code for callers that must react
 * (or count failures) without parsing messages.
 */
public final class ImageDecodeException extends IOException {
    private static final long serialVersionUID = 1L;

    /** No bytes at all. */
    public static final String EMPTY = "empty";
    /** Bytes that no installed image reader recognises. */
    public static final String NOT_AN_IMAGE = "not-an-image";
    /** A recognised image whose data ends early. */
    public static final String TRUNCATED = "truncated";
    /** A recognised image whose data is damaged. */
    public static final String CORRUPT = "corrupt";
    /** An encoded image, or the pixel count its header claims, above the configured {@link ImageLimits}. */
    public static final String TOO_LARGE = "too-large-image";

    private final String reason;
    private final long offset;

    /**
     * @param reason one of the constants of this class
     * @param offset byte offset where decoding stopped (0 when the format was not recognised)
     * @param message a human-readable explanation
     * @param cause the decoder's exception, or {@code null}
     */
    public ImageDecodeException(String reason, long offset, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
        this.offset = offset;
    }

    /**
     * A short machine-readable code: {@link #EMPTY}, {@link #NOT_AN_IMAGE}, {@link #TRUNCATED}, {@link #CORRUPT} or
     * {@link #TOO_LARGE}.
     */
    public String reason() {
        return reason;
    }

    /** Byte offset where decoding stopped, as far as the decoder tells. */
    public long offset() {
        return offset;
    }
}
