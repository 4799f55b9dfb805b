package io.vitsom.bench.drift;

import io.vitsom.model.adapt.AdaptationConfig;
import java.nio.file.Path;
import java.util.Objects;

/**
 * One drift benchmark's settings, as {@code bench-drift}'s options give them and its reports repeat them.
 *
 * @param kind the scenario
 * @param data the dataset streamed first (and, for class-split, only)
 * @param to the dataset streamed after the switch (dataset-switch), or null
 * @param config the model config file
 * @param images fresh images streamed in all
 * @param switchAt fresh images before the switch; for stationary, which has none, {@code images}: every image
 *     streamed counts as before the switch, so every detection is a false alarm
 * @param horizonImages the schedules' organisation horizon (trained images); the detectors arm at its end
 * @param evalEvery fresh images between evaluations
 * @param evalImages test images per group
 * @param seed seeds the model, the stream order, the test samples and the reservoir
 * @param limit the first N images of each training split, or null for all
 * @param plasticity whether and how a detection raises temperature and learning rate (the learner's settings)
 * @param rehearsal fill batches from the reservoir
 * @param quarantine keep novel images out of training
 */
record DriftSettings(DriftScenario.Kind kind, Path data, Path to, Path config, long images, long switchAt,
                     long horizonImages, long evalEvery, int evalImages, long seed, Integer limit,
                     AdaptationConfig.Plasticity plasticity,
                     boolean rehearsal, boolean quarantine) {
    DriftSettings {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(plasticity, "plasticity");
        if (!kind.switches()) {
            if (images < 1) {
                throw new IllegalArgumentException("--images must be >= 1, got " + images);
            }
            if (switchAt != images) {
                throw new IllegalArgumentException("a stationary stream has no switch: its switch position is the "
                        + "end (" + images + "), got " + switchAt);
            }
        } else if (switchAt <= 0 || switchAt >= images) {
            throw new IllegalArgumentException("--switch-at must be between 1 and --images - 1 (" + (images - 1)
                    + "), got " + switchAt);
        }
        if (horizonImages < 1 || evalEvery < 1 || evalImages < 1) {
            throw new IllegalArgumentException("--horizon-images, --eval-every and --eval-images must be >= 1");
        }
        if (limit != null && limit < 1) {
            throw new IllegalArgumentException("--limit must be >= 1, got " + limit);
        }
    }

    /** Fresh images per training step: half a batch with rehearsal (the reservoir fills the rest), else a batch. */
    int freshPerStep(int batchSize) {
        return rehearsal ? (batchSize + 1) / 2 : batchSize;
    }

    static String onOff(boolean on) {
        return on ? "on" : "off";
    }
}
