package io.vitsom.bench.mask;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * One finished training of one arm.
 *
 * @param seed the run's seed
 * @param accuracy test accuracy after the last epoch
 * @param activePerLayer per masked position, the mean number of neurons with a non-zero mask per test image
 * @param curve test accuracy and mean training loss after every epoch
 * @param trainSeconds seconds of training (evaluations excluded)
 */
public record ArmRun(long seed, double accuracy, double[] activePerLayer, List<EpochPoint> curve,
                     double trainSeconds) {
    /**
     * One epoch of a run's curve.
     *
     * @param epoch from 1
     * @param testAccuracy test accuracy after the epoch
     * @param trainLoss mean cross-entropy over the epoch's batches
     */
    public record EpochPoint(int epoch, double testAccuracy, double trainLoss) {
    }

    public ArmRun {
        activePerLayer = activePerLayer.clone();
        curve = List.copyOf(Objects.requireNonNull(curve, "curve"));
    }

    @Override
    public double[] activePerLayer() {
        return activePerLayer.clone();
    }

    /** Active neurons per test image over all masked positions. */
    public double activeTotal() {
        return Arrays.stream(activePerLayer).sum();
    }
}
