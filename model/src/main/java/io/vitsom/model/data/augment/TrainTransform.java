package io.vitsom.model.data.augment;

import java.util.List;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * The reference's classification training transform, in its order: {@link RandomResizedCrop},
 * {@link RandAugment}, {@link RandomHorizontalFlip}, {@link Normalize}, {@link RandomErasing}. Takes a
 * {@code C x imageSize x imageSize} image in [0, 1] and returns a normalised image of the same shape.
 * Deterministic given the generator's state.
 */
public final class TrainTransform implements ImageOp {
    private final AugmentConfig config;
    private final List<ImageOp> steps;

    /** @param config the augmentation settings */
    public TrainTransform(AugmentConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        this.steps = List.of(
                new RandomResizedCrop(config.cropScaleMin(), config.cropScaleMax(), config.cropRatioMin(),
                        config.cropRatioMax()),
                new RandAugment(config.randAugmentOps(), config.randAugmentMagnitude(), config.randAugmentBins()),
                new RandomHorizontalFlip(config.flipProbability()),
                new Normalize(config.mean(), config.std()),
                new RandomErasing(config.erasingProbability(), config.erasingAreaMin(), config.erasingAreaMax(),
                        config.erasingAspectMin()));
    }

    /** The settings this transform was built from. */
    public AugmentConfig config() {
        return config;
    }

    @Override
    public FloatImage apply(FloatImage image, RandomGenerator rng) {
        Objects.requireNonNull(rng, "rng");
        requireShape(image, config);
        FloatImage out = image;
        for (ImageOp step : steps) {
            out = step.apply(out, rng);
        }
        return out;
    }

    static void requireShape(FloatImage image, AugmentConfig config) {
        Objects.requireNonNull(image, "image");
        if (image.channels() != config.channels() || image.height() != config.imageSize()
                || image.width() != config.imageSize()) {
            throw new IllegalArgumentException("image is " + image.shape() + ", config expects " + config.channels()
                    + "x" + config.imageSize() + "x" + config.imageSize());
        }
    }
}
