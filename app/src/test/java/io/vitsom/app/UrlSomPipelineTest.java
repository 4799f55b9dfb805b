package io.vitsom.app;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import io.vitsom.ingest.ReplayConfig;
import io.vitsom.learner.CheckpointStore;
import io.vitsom.learner.LearnerOptions;
import io.vitsom.model.checkpoint.Checkpoint;
import io.vitsom.model.map.MapModelConfig;
import io.vitsom.model.map.MapModels;
import io.vitsom.stream.Messages;
import io.vitsom.stream.Topics;
import io.vitsom.stream.testing.TestTopics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole pipeline with a URL-SOM instead of a ViT-SOM, wired as {@code vitsom run --config
 * configs/url_som_*.yaml} wires it: nothing in the services names the model, so the same learner, checkpoints,
 * serving and prototype records must work for it. A small URL-SOM (a 5x5 map over a narrow ResNet) keeps it quick;
 * 300 MNIST images are replayed.
 */
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class UrlSomPipelineTest {
    private static final Topics TOPICS = Topics.defaults();
    private static final int IMAGES = 300;
    private static final String CONFIG = """
            hyperparameters:
              model_arch: url_som
              total_epochs: 10
              batch_size: 32
              gamma: 2.0
              early_stopping_patience: 0
              map:
                map_size: [5, 5]
                kernel: gaussian
                sigma: 0.6
                projection_dropout: 0.0
                projection_l2: 0.0005
              backbone:
                depth: 8
                widths: [4, 8, 8]
                activation: elu
              optimizer:
                type: adam
                beta_1: 0.9
                beta_2: 0.999
                warmup_lr: [0.001, 0.005]
                warmup_epochs: [2]
              augment:
                crop: [19, 28]
                horizontal_flip: 0.0
                color_jitter: [0.4, 0.4, 0.0, 0.0]
                color_jitter_p: 0.8
                grayscale_p: 0.0
            data:
              dataset: mnist
              num_classes: 0
              num_channels: 1
              input_size: 28
            """;

    @TempDir
    Path work;

    @Test
    void aUrlSomLearnsCheckpointsPublishesAndServes() throws Exception {
        Path mnist = DeployFixtures.repositoryRoot().getParent().resolve("shared/datasets/mnist");
        assertThat(mnist).as("MNIST IDX files under ../shared/datasets (see README)").isDirectory();
        MapModelConfig model = MapModels.parse(CONFIG, "tiny url_som");
        ReplayConfig replay = ReplayConfig.defaults().withLimit(IMAGES).withRate(0).withLoop(false);
        Pipeline.Settings settings = new Pipeline.Settings(model, TOPICS, Optional.of(mnist), replay, Optional.empty(),
                work, 0, 0, 0, 0, 0, 0, LearnerOptions.defaults().withCheckpoints(3, Duration.ZERO));
        try (Pipeline pipeline = Pipeline.start(settings)) {
            String bootstrap = pipeline.bootstrapServers();
            List<ConsumerRecord<byte[], byte[]>> assignments = TestTopics.read(bootstrap,
                    TOPICS.assignments().name(), IMAGES, Duration.ofMinutes(5), Duration.ofSeconds(3));
            Set<String> keys = new HashSet<>();
            for (ConsumerRecord<byte[], byte[]> r : assignments) {
                assertThat(keys.add(TestTopics.key(r))).as("assigned twice: %s", TestTopics.key(r)).isTrue();
                Messages.Bmu bmu = Messages.fromJson(r.value(), Messages.Bmu.class);
                assertThat(bmu.unit()).isBetween(0, 24);
                assertThat(bmu.modelVersion()).isPositive();
                // URL-SOM's distance is 1 - the winning probability.
                assertThat(bmu.distance()).isBetween(0.0, 1.0 - 1.0 / 25);
            }
            assertThat(keys).hasSize(IMAGES);

            List<ConsumerRecord<byte[], byte[]>> training = TestTopics.read(bootstrap, TOPICS.training().name(),
                    IMAGES, Duration.ofMinutes(2), Duration.ZERO);
            assertThat(training).hasSize(IMAGES);

            // Unit pictures: the mean of the recent images each unit won, for the units that won any.
            List<ConsumerRecord<byte[], byte[]>> prototypes = TestTopics.read(bootstrap, TOPICS.prototypes().name(),
                    25, Duration.ofMinutes(1), Duration.ofSeconds(2));
            assertThat(prototypes).hasSizeGreaterThanOrEqualTo(25);
            long pictured = prototypes.stream().map(r -> Messages.fromJson(r.value(), Messages.Prototype.class))
                    .peek(p -> assertThat(p.dim()).as("a unit's projection row").isEqualTo(8))
                    .filter(p -> p.imagePng() != null).count();
            assertThat(pictured).isPositive();
        }
        CheckpointStore store = new CheckpointStore(work.resolve("checkpoints"));
        assertThat(store.versions()).isNotEmpty();
        try (NDManager manager = NDManager.newBaseManager()) {
            Checkpoint.Loaded loaded = Checkpoint.load(store.path(store.versions().get(store.versions().size() - 1)),
                    manager);
            assertThat(loaded.config().modelArch()).isEqualTo("url_som");
            assertThat(loaded.config().sameNetwork(model)).isTrue();
        }
    }
}
