package io.vitsom.stream.cli;

import io.vitsom.model.data.ImageLimits;
import picocli.CommandLine.Option;

/**
 * {@code --max-image-bytes} and {@code --max-image-pixels}, the same on every command that accepts untrusted images
 * (a picocli mixin). Images above either limit are refused as {@code too-large-image} before they are decoded.
 */
public final class ImageLimitOptions {
    @Option(names = "--max-image-bytes", defaultValue = "" + ImageLimits.DEFAULT_MAX_BYTES,
            description = "largest encoded image accepted, in bytes (default: ${DEFAULT-VALUE})")
    long maxBytes;

    @Option(names = "--max-image-pixels", defaultValue = "" + ImageLimits.DEFAULT_MAX_PIXELS,
            description = "most pixels (width x height) an image header may claim (default: ${DEFAULT-VALUE})")
    long maxPixels;

    /** The validated limits. */
    public ImageLimits limits() {
        return new ImageLimits(maxBytes, maxPixels);
    }
}
