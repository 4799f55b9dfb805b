package io.vitsom.ingest;

import io.vitsom.stream.ImageRecord;
import java.util.Optional;

/**
 * The encoded formats ingest accepts, recognised by their magic bytes: a file's extension or an HTTP client's
 * {@code Content-Type} can lie, the first bytes cannot. Only the signature is checked here; whether the rest of the
 * image decodes is the validation service's decision (bad images go to the dead-letter topic with a reason).
 */
enum ImageFormat {
    PNG(ImageRecord.PNG, new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'}),
    // SOI marker followed by the first byte of the next marker, as every JFIF/Exif/raw JPEG starts.
    JPEG(ImageRecord.JPEG, new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF});

    /** Bytes {@link #sniff} needs at most. */
    static final int SIGNATURE_BYTES = 8;

    private final String contentType;
    private final byte[] signature;

    ImageFormat(String contentType, byte[] signature) {
        this.contentType = contentType;
        this.signature = signature;
    }

    /** The {@link ImageRecord#CONTENT_TYPE} value of this format. */
    String contentType() {
        return contentType;
    }

    /** The format whose signature {@code bytes} start with, if any. */
    static Optional<ImageFormat> sniff(byte[] bytes) {
        for (ImageFormat format : values()) {
            if (startsWith(bytes, format.signature)) {
                return Optional.of(format);
            }
        }
        return Optional.empty();
    }

    /** A short description of the first bytes, for rejection messages. */
    static String describePrefix(byte[] bytes) {
        StringBuilder hex = new StringBuilder();
        for (int i = 0; i < Math.min(bytes.length, SIGNATURE_BYTES); i++) {
            hex.append(String.format("%02x", bytes[i] & 0xFF));
        }
        return bytes.length + " bytes starting with 0x" + hex;
    }

    private static boolean startsWith(byte[] bytes, byte[] prefix) {
        if (bytes.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (bytes[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }
}
