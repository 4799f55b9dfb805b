package io.vitsom.learner;

import io.vitsom.model.adapt.AdaptationConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How the learner trains and checkpoints, independent of where the cluster and the checkpoints are.
 *
 * @param checkpointEverySteps checkpoint after this many steps (0 = never by steps)
 * @param checkpointEvery checkpoint when this much time passed since the last one and a step was taken
 *     ({@link Duration#ZERO} = never by time)
 * @param keepLast how many checkpoints to keep
 * @param horizonImages images over which temperature, gamma and learning rate run before they hold
 * @param batchTimeout train on a partial batch once its first image waited this long
 * @param seed seed of a fresh model
 * @param device {@code auto}, {@code cpu} or {@code gpu}
 * @param initFrom a checkpoint to start from when the checkpoint directory holds none (e.g. the {@code model/} of
 *     an offline {@code bench} run); its optimizer state is used when it has one
 * @param allowFreshStart start a fresh model even when the checkpoint directory holds versions of which none loads
 *     (otherwise the learner refuses to start rather than publish a fresh model over good ones it cannot read)
 * @param onRetentionGap what to do when checkpointed offsets were deleted by retention before they were read
 * @param adaptation how the map keeps learning on a feed that changes (rehearsal, maintenance floors, drift
 *     detection and plasticity, quarantine, upkeep, shadow map)
 */
public record LearnerOptions(long checkpointEverySteps, Duration checkpointEvery, int keepLast, long horizonImages,
                             Duration batchTimeout, long seed, String device, Optional<Path> initFrom,
                             boolean allowFreshStart, RetentionGapPolicy onRetentionGap,
                             AdaptationConfig adaptation) {
    /** What the learner does when records it has not read yet were deleted by the topic's retention. */
    public enum RetentionGapPolicy {
        /** Stop with a message naming the partitions and how many records are gone (the default). */
        FAIL,
        /** Continue from the oldest record still there, counting the skipped ones (metric and checkpoint). */
        SKIP;

        /** {@code fail} or {@code skip}, as on the command line. */
        public static RetentionGapPolicy parse(String value) {
            return switch (value) {
                case "fail" -> FAIL;
                case "skip" -> SKIP;
                default -> throw new IllegalArgumentException("--on-retention-gap must be fail or skip, got " + value);
            };
        }
    }

    public LearnerOptions {
        Objects.requireNonNull(onRetentionGap, "onRetentionGap");
        Objects.requireNonNull(adaptation, "adaptation");
        Objects.requireNonNull(checkpointEvery, "checkpointEvery");
        Objects.requireNonNull(batchTimeout, "batchTimeout");
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(initFrom, "initFrom");
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
        if (horizonImages <= 0) {
            throw new IllegalArgumentException("horizon-images must be positive, got " + horizonImages);
        }
        if (batchTimeout.isNegative() || batchTimeout.isZero()) {
            throw new IllegalArgumentException("batch-timeout must be positive, got " + batchTimeout);
        }
        if (!device.equals("auto") && !device.equals("cpu") && !device.equals("gpu")) {
            throw new IllegalArgumentException("device must be auto, cpu or gpu, got " + device);
        }
    }

    /**
     * Options that refuse a fresh start over unreadable checkpoints, fail on a retention gap, and train as the
     * reference does: no rehearsal, no drift answer, the reference's end points ({@link AdaptationConfig#off()}).
     */
    public LearnerOptions(long checkpointEverySteps, Duration checkpointEvery, int keepLast, long horizonImages,
                          Duration batchTimeout, long seed, String device, Optional<Path> initFrom) {
        this(checkpointEverySteps, checkpointEvery, keepLast, horizonImages, batchTimeout, seed, device, initFrom,
                false, RetentionGapPolicy.FAIL, AdaptationConfig.off());
    }

    /** The command line's defaults: every 200 steps or 60 s, keep 3, the default horizon, 2 s batch timeout. */
    public static LearnerOptions defaults() {
        return new LearnerOptions(200, Duration.ofSeconds(60), 3, DEFAULT_HORIZON_IMAGES, Duration.ofSeconds(2), 0,
                "auto", Optional.empty(), false, RetentionGapPolicy.FAIL, AdaptationConfig.defaults());
    }

    /** The organisation horizon of {@code learn} and {@code run}. */
    public static final long DEFAULT_HORIZON_IMAGES = 300_000;

    /** These options with other checkpoint intervals. */
    public LearnerOptions withCheckpoints(long everySteps, Duration every) {
        return new LearnerOptions(everySteps, every, keepLast, horizonImages, batchTimeout, seed, device, initFrom,
                allowFreshStart, onRetentionGap, adaptation);
    }

    /** These options with other safety policies. */
    public LearnerOptions withSafety(boolean newAllowFreshStart, RetentionGapPolicy newOnRetentionGap) {
        return new LearnerOptions(checkpointEverySteps, checkpointEvery, keepLast, horizonImages, batchTimeout, seed,
                device, initFrom, newAllowFreshStart, newOnRetentionGap, adaptation);
    }

    /** These options with other continual-learning settings. */
    public LearnerOptions withAdaptation(AdaptationConfig newAdaptation) {
        return new LearnerOptions(checkpointEverySteps, checkpointEvery, keepLast, horizonImages, batchTimeout, seed,
                device, initFrom, allowFreshStart, onRetentionGap, newAdaptation);
    }
}
