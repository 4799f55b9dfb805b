package io.vitsom.bench.classify;

import io.vitsom.model.data.ImageSet;
import java.util.Arrays;
import java.util.Random;

/**
 * The reference's classification data protocol: the training split cut into train and validation
 * (80/20) by a seeded random permutation (seed 0 in the reference). The permutation is a Fisher-Yates
 * shuffle of {@link Random}{@code (seed)}, so it is deterministic but not the same permutation as PyTorch's
 * {@code random_split(generator=manual_seed(0))}.
 *
 * @param train the training part (about {@code trainFraction} of the images)
 * @param validation the rest
 * @param trainIndices indices of {@code train}'s images in the source set, in order
 * @param validationIndices indices of {@code validation}'s images in the source set, in order
 */
public record TrainValSplit(ImageSet train, ImageSet validation, int[] trainIndices, int[] validationIndices) {
    /** The reference's split: 80% train, seed 0. */
    public static final double TRAIN_FRACTION = 0.8;
    public static final long SPLIT_SEED = 0;

    /** {@link #of(ImageSet, double, long)} with the reference's 80/20 and seed 0. */
    public static TrainValSplit of(ImageSet source) {
        return of(source, TRAIN_FRACTION, SPLIT_SEED, null);
    }

    /** The reference's 80/20 cut (seed 0) of a {@code limit}-image sample of {@code source} (null: all). */
    public static TrainValSplit of(ImageSet source, Integer limit) {
        return of(source, TRAIN_FRACTION, SPLIT_SEED, limit);
    }

    /** {@link #of(ImageSet, double, long, Integer)} without a limit. */
    public static TrainValSplit of(ImageSet source, double fraction, long seed) {
        return of(source, fraction, seed, null);
    }

    /**
     * Cuts {@code source} into {@code round(fraction * n)} training and the remaining validation images
     * (at least one of each when {@code n >= 2}). With a {@code limit}, {@code n = min(limit, size)} and the
     * images are the first {@code n} of the same seeded permutation: a random sample, not the first images of
     * the set (image folders are sorted by class, so the first images would all be of one class).
     */
    public static TrainValSplit of(ImageSet source, double fraction, long seed, Integer limit) {
        if (!(fraction > 0 && fraction < 1)) {
            throw new IllegalArgumentException("train fraction must be in (0, 1), got " + fraction);
        }
        int total = source.size();
        int n = limit == null ? total : Math.min(limit, total);
        if (n < 2) {
            throw new IllegalArgumentException("need at least 2 images to cut train/validation, got " + n);
        }
        int[] order = new int[total];
        for (int i = 0; i < total; i++) {
            order[i] = i;
        }
        Random random = new Random(seed);
        for (int i = total - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        int nTrain = (int) Math.max(1, Math.min(n - 1, Math.round(fraction * n)));
        int[] trainIdx = Arrays.copyOfRange(order, 0, nTrain);
        int[] valIdx = Arrays.copyOfRange(order, nTrain, n);
        return new TrainValSplit(subset(source, trainIdx, "train80"), subset(source, valIdx, "val20"), trainIdx, valIdx);
    }

    /** The images of {@code source} at {@code indices}, in that order, named {@code source.name/suffix}. */
    static ImageSet subset(ImageSet source, int[] indices, String suffix) {
        int size = source.imageSize();
        byte[] pixels = new byte[indices.length * size];
        int[] labels = new int[indices.length];
        for (int i = 0; i < indices.length; i++) {
            System.arraycopy(source.pixels(), indices[i] * size, pixels, i * size, size);
            labels[i] = source.labels()[indices[i]];
        }
        return new ImageSet(source.name() + "/" + suffix, source.channels(), source.height(), source.width(), pixels,
                labels, source.classNames());
    }
}
