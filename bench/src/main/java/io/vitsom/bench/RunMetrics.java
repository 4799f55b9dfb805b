package io.vitsom.bench;

import io.vitsom.bench.maps.MapQuality;
import java.util.List;
import java.util.stream.Stream;

/**
 * Measurements of one benchmark run; {@code NaN} marks a metric the protocol does not produce.
 *
 * @param seed the run's seed
 * @param epochLog purity/NMI on an evaluation subset after each epoch
 * @param quality grouped purity, SOM-quality metrics and k-means on the latent, on the evaluated set
 */
public record RunMetrics(long seed, double purityTrain, double nmiTrain, double purityTest, double nmiTest,
                         double purityAll, double nmiAll, double trainSeconds, double inferenceSeconds,
                         double trainImagesPerSecond, double peakRssMb, List<EpochLog> epochLog,
                         MapQuality quality) {

    /** Keys of {@code results.json}'s per-run objects, in order (the {@code mean}/{@code std} keys too). */
    public static final List<String> KEYS = Stream.concat(Stream.of("purity_train", "nmi_train", "purity_test",
            "nmi_test", "purity_all", "nmi_all", "train_seconds", "inference_seconds", "train_images_per_second",
            "peak_rss_mb"), MapQuality.KEYS.stream()).toList();

    /** The metric values in {@link #KEYS} order. */
    public double[] values() {
        double[] own = {purityTrain, nmiTrain, purityTest, nmiTest, purityAll, nmiAll, trainSeconds, inferenceSeconds,
                trainImagesPerSecond, peakRssMb};
        double[] extra = quality.values();
        double[] out = java.util.Arrays.copyOf(own, own.length + extra.length);
        System.arraycopy(extra, 0, out, own.length, extra.length);
        return out;
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
