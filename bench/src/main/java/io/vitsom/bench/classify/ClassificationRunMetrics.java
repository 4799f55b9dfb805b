package io.vitsom.bench.classify;

import java.util.List;

/**
 * Measurements of one classification run.
 *
 * @param seed the run's seed
 * @param accuracy test accuracy
 * @param macroPrecision test macro precision
 * @param macroRecall test macro recall
 * @param macroF1 test macro F1
 * @param validationAccuracy validation accuracy after the last epoch
 * @param trainSeconds training time (augmentation included, per-epoch validation excluded)
 * @param trainImagesPerSecond training images per second
 * @param inferenceSeconds time to classify the test split (eval transform included)
 * @param inferenceImagesPerSecond test images classified per second
 * @param peakRssMb peak resident set size of the process so far
 * @param epochLog loss and validation accuracy after each epoch
 */
public record ClassificationRunMetrics(long seed, double accuracy, double macroPrecision, double macroRecall,
                                       double macroF1, double validationAccuracy, double trainSeconds,
                                       double trainImagesPerSecond, double inferenceSeconds,
                                       double inferenceImagesPerSecond, double peakRssMb, List<EpochLog> epochLog) {
    /** Keys of the per-run metrics in {@code results.json} (and of {@code mean}/{@code std}), in order. */
    public static final List<String> KEYS = List.of("accuracy", "macro_precision", "macro_recall", "macro_f1",
            "val_accuracy", "train_seconds", "train_images_per_second", "inference_seconds",
            "inference_images_per_second", "peak_rss_mb");

    public ClassificationRunMetrics {
        epochLog = List.copyOf(epochLog);
    }

    /** The metric values in {@link #KEYS} order. */
    public double[] values() {
        return new double[] {accuracy, macroPrecision, macroRecall, macroF1, validationAccuracy, trainSeconds,
                trainImagesPerSecond, inferenceSeconds, inferenceImagesPerSecond, peakRssMb};
    }

    /**
     * One epoch of training.
     *
     * @param epoch 1-based epoch number
     * @param loss mean total loss over the epoch
     * @param validationAccuracy accuracy on the validation split after the epoch
     * @param seconds training seconds so far
     */
    public record EpochLog(int epoch, double loss, double validationAccuracy, double seconds) {
    }
}
