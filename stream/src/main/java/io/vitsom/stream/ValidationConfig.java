package io.vitsom.stream;

import io.vitsom.model.map.MapModelConfig;
import io.vitsom.model.data.ImageLimits;
import java.util.Objects;

/**
 * What the validation topology accepts: the model's input spec and which conversions are allowed.
 *
 * @param channels channels the model reads: 1 (gray) or 3 (RGB)
 * @param size height and width the model reads (images are square)
 * @param convertChannels convert RGB to gray or gray to RGB when the channels differ, instead of rejecting
 * @param resize resize (bilinear) to {@code size} x {@code size} when the size differs, instead of rejecting
 * @param limits the largest encoded image and the most pixels a header may claim; larger images are rejected as
 *     {@code too-large-image} before they are decoded
 */
public record ValidationConfig(int channels, int size, boolean convertChannels, boolean resize, ImageLimits limits) {
    public ValidationConfig {
        Objects.requireNonNull(limits, "limits");
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("channels must be 1 or 3, got " + channels);
        }
        if (size <= 0) {
            throw new IllegalArgumentException("size must be positive, got " + size);
        }
    }

    /** A spec with the {@link ImageLimits#DEFAULT default limits}. */
    public ValidationConfig(int channels, int size, boolean convertChannels, boolean resize) {
        this(channels, size, convertChannels, resize, ImageLimits.DEFAULT);
    }

    /** Strict validation against a model config's {@code data.num_channels} and {@code data.input_size}. */
    public static ValidationConfig strict(MapModelConfig model) {
        Objects.requireNonNull(model, "model");
        return new ValidationConfig(model.numChannels(), model.inputSize(), false, false);
    }

    /** The same spec with conversions enabled or disabled. */
    public ValidationConfig withConversions(boolean newConvertChannels, boolean newResize) {
        return new ValidationConfig(channels, size, newConvertChannels, newResize, limits);
    }

    /** The same spec with other image limits. */
    public ValidationConfig withLimits(ImageLimits newLimits) {
        return new ValidationConfig(channels, size, convertChannels, resize, newLimits);
    }

    /** "CxHxW", for messages. */
    public String shape() {
        return channels + "x" + size + "x" + size;
    }
}
