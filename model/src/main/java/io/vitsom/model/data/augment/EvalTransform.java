package io.vitsom.model.data.augment;

import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * The reference's evaluation transform (timm's eval transform with {@code crop_pct}): bicubic resize of the
 * shorter side to {@code floor(imageSize / evalCropFraction)} (36 for 32-pixel CIFAR), centre crop to
 * {@code imageSize x imageSize}, normalise. Accepts any input size; deterministic.
 */
public final class EvalTransform implements ImageOp {
    private final AugmentConfig config;
    private final Normalize normalize;

    /** @param config the augmentation settings (image size, crop fraction, normalisation) */
    public EvalTransform(AugmentConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        this.normalize = new Normalize(config.mean(), config.std());
    }

    /** The settings this transform was built from. */
    public AugmentConfig config() {
        return config;
    }

    /** Side the shorter edge is resized to before the centre crop. */
    public int resizeSize() {
        // timm: math.floor(img_size / crop_pct); a tiny epsilon keeps exact quotients from flooring one short.
        return (int) Math.floor(config.imageSize() / config.evalCropFraction() + 1e-9);
    }

    @Override
    public FloatImage apply(FloatImage image, RandomGenerator rng) {
        return apply(image);
    }

    /** The evaluation view of {@code image}: resized, centre-cropped and normalised. */
    public FloatImage apply(FloatImage image) {
        Objects.requireNonNull(image, "image");
        int shorter = resizeSize();
        int h = image.height();
        int w = image.width();
        // torchvision Resize(int): the shorter side becomes `shorter`, the longer int(shorter * long / short).
        int outH = h <= w ? shorter : (int) ((long) shorter * h / w);
        int outW = h <= w ? (int) ((long) shorter * w / h) : shorter;
        FloatImage resized = Resampling.resizeBicubic(image, outH, outW);
        int size = config.imageSize();
        if (outH < size || outW < size) {
            throw new IllegalArgumentException("image " + image.shape() + " resized to " + outH + "x" + outW
                    + " is smaller than the crop " + size);
        }
        return normalize.apply(Resampling.centerCrop(resized, size, size));
    }
}
