package io.vitsom.learner;

import io.vitsom.stream.Durations;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The learner's command-line options, shared by {@code learn} and {@code run} (a picocli mixin). */
public final class LearnerCliOptions {
    @Option(names = "--checkpoint-every-steps", defaultValue = "200",
            description = "checkpoint every N steps, 0 = only by time (default: ${DEFAULT-VALUE})")
    long checkpointEverySteps;

    @Option(names = "--checkpoint-every", defaultValue = "60s",
            description = "checkpoint at least this often while training, 0s = only by steps (default: ${DEFAULT-VALUE})")
    String checkpointEvery;

    @Option(names = "--keep", defaultValue = "3", description = "checkpoints to keep (default: ${DEFAULT-VALUE})")
    int keep;

    @Option(names = "--horizon-images", defaultValue = "" + LearnerOptions.DEFAULT_HORIZON_IMAGES,
            description = "images (fresh and rehearsed) over which temperature, gamma and learning rate run while the "
                    + "map organises, before they settle at the maintenance floors (default: ${DEFAULT-VALUE})")
    long horizonImages;

    @Option(names = "--batch-timeout", defaultValue = "2s",
            description = "train a partial batch once its first image waited this long (default: ${DEFAULT-VALUE})")
    String batchTimeout;

    @Option(names = "--seed", defaultValue = "0", description = "seed of a fresh model (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--device", defaultValue = "auto", description = "auto, cpu or gpu (default: ${DEFAULT-VALUE})")
    String device;

    @Option(names = "--init-from", paramLabel = "CHECKPOINT",
            description = "start from this checkpoint when there is none yet, e.g. runs/<bench run>/model")
    Path initFrom;

    @Option(names = "--allow-fresh-start",
            description = "start a fresh model even when the checkpoint directory holds versions of which none loads "
                    + "(they are kept; the fresh model gets the next version number)")
    boolean allowFreshStart;

    @Option(names = "--on-retention-gap", defaultValue = "fail", paramLabel = "fail|skip",
            description = "when checkpointed offsets were deleted by retention before they were read: fail, or skip "
                    + "to the oldest record left and count what was lost (default: ${DEFAULT-VALUE})")
    String onRetentionGap;

    @Mixin
    AdaptationCliOptions adaptation = new AdaptationCliOptions();

    /** The validated options. */
    public LearnerOptions toOptions() {
        return new LearnerOptions(checkpointEverySteps, Durations.parse(checkpointEvery), keep, horizonImages,
                Durations.parse(batchTimeout), seed, device, Optional.ofNullable(initFrom), allowFreshStart,
                LearnerOptions.RetentionGapPolicy.parse(onRetentionGap), adaptation.toConfig());
    }
}
