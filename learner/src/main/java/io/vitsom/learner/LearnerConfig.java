package io.vitsom.learner;

import io.vitsom.model.config.VitSomConfig;
import io.vitsom.stream.KafkaClients;
import io.vitsom.stream.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Everything the online learner needs, validated once.
 *
 * @param model the ViT-SOM config (architecture, optimizer, batch size, schedules' values)
 * @param kafka where the cluster is
 * @param topics topic names; the learner reads {@link Topics#imagesValid()} and writes {@code som.*} and the DLQ
 * @param groupId consumer group the learner commits its offsets under (for lag monitoring only: the checkpoint's
 *     offsets are the source of truth)
 * @param checkpointDir directory holding the versioned checkpoints
 * @param checkpointEverySteps checkpoint after this many steps (0 = never by steps)
 * @param checkpointEvery checkpoint when this much time passed since the last one and a step was taken
 *     ({@link Duration#ZERO} = never by time)
 * @param keepLast how many checkpoints to keep
 * @param horizonImages images over which temperature, gamma and learning rate run before they hold
 * @param batchTimeout train on a partial batch once its first image waited this long
 * @param seed seed of a fresh model
 * @param device {@code auto}, {@code cpu} or {@code gpu}
 * @param publishPrototypes publish the prototype map to {@code som.prototypes} after each checkpoint
 */
public record LearnerConfig(VitSomConfig model, KafkaClients kafka, Topics topics, String groupId, Path checkpointDir,
                            long checkpointEverySteps, Duration checkpointEvery, int keepLast, long horizonImages,
                            Duration batchTimeout, long seed, String device, boolean publishPrototypes) {
    /** Default consumer group. */
    public static final String DEFAULT_GROUP = "vitsom-learner";

    public LearnerConfig {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(kafka, "kafka");
        Objects.requireNonNull(topics, "topics");
        Objects.requireNonNull(groupId, "groupId");
        Objects.requireNonNull(checkpointDir, "checkpointDir");
        Objects.requireNonNull(checkpointEvery, "checkpointEvery");
        Objects.requireNonNull(batchTimeout, "batchTimeout");
        Objects.requireNonNull(device, "device");
        if (model.classification()) {
            throw new IllegalArgumentException("the online learner trains clustering configs (num_classes: 0), got "
                    + model.modelArch() + " with " + model.data().numClasses() + " classes");
        }
        if (checkpointEverySteps < 0) {
            throw new IllegalArgumentException("checkpoint-every-steps must be >= 0, got " + checkpointEverySteps);
        }
        if (checkpointEvery.isNegative()) {
            throw new IllegalArgumentException("checkpoint-every must not be negative, got " + checkpointEvery);
        }
        if (checkpointEverySteps == 0 && checkpointEvery.isZero()) {
            throw new IllegalArgumentException("set checkpoint-every-steps or checkpoint-every (or both): "
                    + "a learner that never checkpoints loses all its work on a crash");
        }
        if (keepLast < 1) {
            throw new IllegalArgumentException("keep must be >= 1, got " + keepLast);
        }
        if (horizonImages < model.totalEpochs()) {
            throw new IllegalArgumentException("horizon-images must be >= total_epochs (" + model.totalEpochs()
                    + "), got " + horizonImages);
        }
        if (batchTimeout.isNegative() || batchTimeout.isZero()) {
            throw new IllegalArgumentException("batch-timeout must be positive, got " + batchTimeout);
        }
        if (!device.equals("auto") && !device.equals("cpu") && !device.equals("gpu")) {
            throw new IllegalArgumentException("device must be auto, cpu or gpu, got " + device);
        }
    }
}
