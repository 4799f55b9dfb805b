package io.vitsom.learner;

import io.vitsom.model.map.MapModelConfig;
import io.vitsom.stream.KafkaClients;
import io.vitsom.stream.ModelSignatures;
import io.vitsom.stream.Topics;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Everything the online learner needs, validated once.
 *
 * @param model the map model's config (its model_arch picks the model; architecture, optimizer, batch, schedules)
 * @param kafka where the cluster is
 * @param topics topic names; the learner reads {@link Topics#imagesValid()} and writes {@code som.*} and the DLQ
 * @param groupId consumer group the learner commits its offsets under (for lag monitoring only: the checkpoint's
 *     offsets are the source of truth)
 * @param checkpointDir directory holding the versioned checkpoints
 * @param options how it trains and checkpoints
 * @param publishPrototypes publish the prototype map to {@code som.prototypes} after each checkpoint
 * @param signatures signs each published model record with its checkpoint's manifest ({@code --model-key-file}), or
 *     {@link ModelSignatures#none()}
 */
public record LearnerConfig(MapModelConfig model, KafkaClients kafka, Topics topics, String groupId, Path checkpointDir,
                            LearnerOptions options, boolean publishPrototypes, ModelSignatures signatures) {
    /** Default consumer group. */
    public static final String DEFAULT_GROUP = "vitsom-learner";

    public LearnerConfig {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(kafka, "kafka");
        Objects.requireNonNull(topics, "topics");
        Objects.requireNonNull(groupId, "groupId");
        Objects.requireNonNull(checkpointDir, "checkpointDir");
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(signatures, "signatures");
        if (model.classification()) {
            throw new IllegalArgumentException("the online learner trains clustering configs (num_classes: 0), got "
                    + model.modelArch() + " with classes");
        }
        if (options.horizonImages() < model.totalEpochs()) {
            throw new IllegalArgumentException("horizon-images must be >= total_epochs (" + model.totalEpochs()
                    + "), got " + options.horizonImages());
        }
    }

    /** A learner that signs nothing. */
    public LearnerConfig(MapModelConfig model, KafkaClients kafka, Topics topics, String groupId, Path checkpointDir,
                         LearnerOptions options, boolean publishPrototypes) {
        this(model, kafka, topics, groupId, checkpointDir, options, publishPrototypes, ModelSignatures.none());
    }
}
