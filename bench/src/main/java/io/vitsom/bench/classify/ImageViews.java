package io.vitsom.bench.classify;

import io.vitsom.model.config.VitSomConfig;
import io.vitsom.model.data.ImageSet;
import io.vitsom.model.data.augment.AugmentConfig;
import io.vitsom.model.data.augment.EvalTransform;
import io.vitsom.model.data.augment.FloatImage;
import io.vitsom.model.data.augment.Normalize;
import io.vitsom.model.data.augment.TrainTransform;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * How the classification benchmark turns stored images into model input: training batches go through the
 * random {@link TrainTransform} (a fresh draw per image per epoch), evaluation batches (validation, test)
 * through the deterministic {@link EvalTransform}. Both return flat normalised {@code [batch, C, H, W]} floats.
 */
public interface ImageViews {
    /** Augmented, normalised training view of the images of {@code set} at {@code indices}. */
    float[] trainBatch(ImageSet set, int[] indices, RandomGenerator rng);

    /** Deterministic evaluation view (resize, centre crop, normalise) of the images of {@code set} at {@code indices}. */
    float[] evalBatch(ImageSet set, int[] indices);

    /** The reference's transforms, with the config's {@code data.augment} settings. */
    static ImageViews of(VitSomConfig config) {
        AugmentConfig augment = augmentConfig(config);
        return new Standard(new TrainTransform(augment), new EvalTransform(augment));
    }

    /**
     * {@link AugmentConfig#cifar} with the config's crop scale/ratio, RandAugment op count, flip and erasing
     * probabilities; 1-channel data normalises with mean 0.5, std 0.5 (CIFAR statistics need 3 channels).
     */
    static AugmentConfig augmentConfig(VitSomConfig config) {
        int size = config.data().inputSize();
        AugmentConfig c = AugmentConfig.cifar(size);
        VitSomConfig.Augment a = config.data().augment();
        List<Double> scale = a.resizeScale();
        List<Double> ratio = a.resizeRatio();
        boolean rgb = config.data().numChannels() == 3;
        double[] mean = rgb ? Normalize.CIFAR_MEAN : new double[] {0.5};
        double[] std = rgb ? Normalize.CIFAR_STD : new double[] {0.5};
        return new AugmentConfig(size, scale.get(0), scale.get(1), ratio.get(0), ratio.get(1), a.randaugN(),
                c.randAugmentMagnitude(), c.randAugmentBins(), a.horizontalFlip(), a.reprob(), c.erasingAreaMin(),
                c.erasingAreaMax(), c.erasingAspectMin(), mean, std, c.evalCropFraction());
    }

    /** The default views. */
    record Standard(TrainTransform train, EvalTransform eval) implements ImageViews {
        @Override
        public float[] trainBatch(ImageSet set, int[] indices, RandomGenerator rng) {
            int n = set.imageSize();
            float[] out = new float[indices.length * n];
            for (int i = 0; i < indices.length; i++) {
                FloatImage img = new FloatImage(set.channels(), set.height(), set.width(), set.image(indices[i]));
                System.arraycopy(train.apply(img, rng).data(), 0, out, i * n, n);
            }
            return out;
        }

        @Override
        public float[] evalBatch(ImageSet set, int[] indices) {
            int c = set.channels();
            int s = eval.config().imageSize();
            int n = c * s * s;
            float[] out = new float[indices.length * n];
            for (int i = 0; i < indices.length; i++) {
                FloatImage img = new FloatImage(c, set.height(), set.width(), set.image(indices[i]));
                System.arraycopy(eval.apply(img).data(), 0, out, i * n, n);
            }
            return out;
        }
    }
}
