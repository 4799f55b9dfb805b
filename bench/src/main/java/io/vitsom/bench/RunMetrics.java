package io.vitsom.bench;

import java.util.List;

/**
 * Measurements of one benchmark run; {@code NaN} marks a metric the protocol does not produce.
 *
 * @param seed the run's seed
 * @param epochLog purity/NMI on an evaluation subset after each epoch
 */
public record RunMetrics(long seed, double purityTrain, double nmiTrain, double purityTest, double nmiTest,
                         double purityAll, double nmiAll, double trainSeconds, double inferenceSeconds,
                         double trainImagesPerSecond, double peakRssMb, List<EpochLog> epochLog) {

    /** Keys of {@code results.json}'s per-run objects, in order (the {@code mean}/{@code std} keys too). */
    public static final List<String> KEYS = List.of("purity_train", "nmi_train", "purity_test", "nmi_test",
            "purity_all", "nmi_all", "train_seconds", "inference_seconds", "train_images_per_second", "peak_rss_mb");

    /** The metric values in {@link #KEYS} order. */
    public double[] values() {
        return new double[] {purityTrain, nmiTrain, purityTest, nmiTest, purityAll, nmiAll, trainSeconds,
                inferenceSeconds, trainImagesPerSecond, peakRssMb};
    }

    /**
     * One epoch of training.
     *
     * @param epoch 1-based epoch number
     * @param loss mean total loss over the epoch
     * @param purity purity on the evaluation subset after the epoch
     * @param nmi NMI on the evaluation subset after the epoch
     * @param seconds training seconds so far
     */
    public record EpochLog(int epoch, double loss, double purity, double nmi, double seconds) {
    }
}
