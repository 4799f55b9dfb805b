package io.vitsom.app;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import io.vitsom.ingest.ReplayConfig;
import io.vitsom.learner.CheckpointStore;
import io.vitsom.learner.LearnerOptions;
import io.vitsom.model.checkpoint.Checkpoint;
import io.vitsom.model.map.MapModelConfig;
import io.vitsom.stream.Messages;
import io.vitsom.stream.Topics;
import io.vitsom.stream.testing.TestTopics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * The whole pipeline, wired as {@code vitsom run --config FILE} wires it, run over the first MNIST images with a
 * map model other than the default: what every such model must give (each image assigned exactly once by a published
 * version, every image trained on, a prototype record per unit, a checkpoint that reloads as the same network),
 * checked the same way for each; the model's own checks get what was read.
 */
final class MapModelPipelineRun {
    private static final Topics TOPICS = Topics.defaults();

    /**
     * What one run produced: the assignments, the first round of prototype records and the newest checkpoint,
     * reloaded (valid while {@code manager} is open).
     */
    record Outcome(List<Messages.Bmu> assignments, List<Messages.Prototype> prototypes, Checkpoint.Loaded newest) {
    }

    private MapModelPipelineRun() {
    }

    /**
     * Replays {@code images} MNIST images through a pipeline of {@code model} in {@code work}, checks what every map
     * model must give and hands the outcome to {@code modelChecks}.
     */
    static void run(Path work, MapModelConfig model, int images, Consumer<Outcome> modelChecks) throws Exception {
        Path mnist = DeployFixtures.repositoryRoot().getParent().resolve("shared/datasets/mnist");
        assertThat(mnist).as("MNIST IDX files under ../shared/datasets (see README)").isDirectory();
        int units = model.grid().units();
        ReplayConfig replay = ReplayConfig.defaults().withLimit(images).withRate(0).withLoop(false);
        Pipeline.Settings settings = new Pipeline.Settings(model, TOPICS, Optional.of(mnist), replay, Optional.empty(),
                work, 0, 0, 0, 0, 0, 0, LearnerOptions.defaults().withCheckpoints(3, Duration.ZERO));
        List<Messages.Bmu> assignments;
        List<Messages.Prototype> prototypes;
        try (Pipeline pipeline = Pipeline.start(settings)) {
            String bootstrap = pipeline.bootstrapServers();
            List<ConsumerRecord<byte[], byte[]>> assigned = TestTopics.read(bootstrap, TOPICS.assignments().name(),
                    images, Duration.ofMinutes(5), Duration.ofSeconds(3));
            Set<String> keys = new HashSet<>();
            for (ConsumerRecord<byte[], byte[]> r : assigned) {
                assertThat(keys.add(TestTopics.key(r))).as("assigned twice: %s", TestTopics.key(r)).isTrue();
            }
            assertThat(keys).hasSize(images);
            assignments = assigned.stream().map(r -> Messages.fromJson(r.value(), Messages.Bmu.class)).toList();
            assertThat(assignments).allSatisfy(b -> {
                assertThat(b.unit()).isBetween(0, units - 1);
                assertThat(b.modelVersion()).isPositive();
            });

            List<ConsumerRecord<byte[], byte[]>> training = TestTopics.read(bootstrap, TOPICS.training().name(),
                    images, Duration.ofMinutes(2), Duration.ZERO);
            assertThat(training).hasSize(images);

            List<ConsumerRecord<byte[], byte[]>> published = TestTopics.read(bootstrap, TOPICS.prototypes().name(),
                    units, Duration.ofMinutes(1), Duration.ofSeconds(2));
            assertThat(published).hasSizeGreaterThanOrEqualTo(units);
            prototypes = published.subList(0, units).stream()
                    .map(r -> Messages.fromJson(r.value(), Messages.Prototype.class)).toList();
        }
        CheckpointStore store = new CheckpointStore(work.resolve("checkpoints"));
        assertThat(store.versions()).isNotEmpty();
        try (NDManager manager = NDManager.newBaseManager()) {
            Checkpoint.Loaded newest = Checkpoint.load(store.path(store.versions().get(store.versions().size() - 1)),
                    manager);
            assertThat(newest.config().modelArch()).isEqualTo(model.modelArch());
            assertThat(newest.config().sameNetwork(model)).isTrue();
            modelChecks.accept(new Outcome(assignments, prototypes, newest));
        }
    }
}
