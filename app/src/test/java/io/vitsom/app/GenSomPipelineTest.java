package io.vitsom.app;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import io.vitsom.ingest.ReplayConfig;
import io.vitsom.learner.CheckpointStore;
import io.vitsom.learner.LearnerOptions;
import io.vitsom.model.checkpoint.Checkpoint;
import io.vitsom.model.map.MapModelConfig;
import io.vitsom.model.map.MapModels;
import io.vitsom.model.map.UnitSampler;
import io.vitsom.stream.Messages;
import io.vitsom.stream.Topics;
import io.vitsom.stream.testing.TestTopics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole pipeline with a Gen-SOM-Attn as its map model, wired as {@code vitsom run --config
 * configs/gen_som_attn_fmnist.yaml} wires it: the learner trains its autoencoder and Kohonen map on the stream, serving
 * assigns with the newest checkpoint, every unit's picture on {@code som.prototypes} is its decoded prototype, and a
 * checkpoint reloads as a model that can generate. A small network (a 3x3 map, widths 4/8) over 300 MNIST images
 * keeps it quick.
 */
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class GenSomPipelineTest {
    private static final Topics TOPICS = Topics.defaults();
    private static final int IMAGES = 300;
    private static final int UNITS = 9;
    private static final String CONFIG = """
            hyperparameters:
              model_arch: gen_som_attn
              total_epochs: 10
              batch_size: 32
              latent_dim: 8
              decoder_training: both
              encoder: {widths: [4, 8]}
              attention: {over: spatial, heads: 2, readout: flatten}
              decoder: {widths: [8, 4]}
              som: {map_size: [3, 3], eta_start: 0.5, eta_end: 0.01, sigma_start: 1.5, sigma_end: 0.5,
                    init: first_batch, init_noise: 0.01}
              optimizer: {type: adam, learning_rate: 0.005, beta_1: 0.9, beta_2: 0.999}
            data: {dataset: mnist, num_classes: 0, num_channels: 1, input_size: 28}
            """;

    @TempDir
    Path work;

    @Test
    void aGenSomLearnsCheckpointsPublishesDecodedPrototypesAndServes() throws Exception {
        Path mnist = DeployFixtures.repositoryRoot().getParent().resolve("shared/datasets/mnist");
        assertThat(mnist).as("MNIST IDX files under ../shared/datasets (see README)").isDirectory();
        MapModelConfig model = MapModels.parse(CONFIG, "tiny gen_som_attn");
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
                assertThat(bmu.unit()).isBetween(0, UNITS - 1);
                assertThat(bmu.modelVersion()).isPositive();
                // The Euclidean distance from the attended latent to the nearest prototype.
                assertThat(bmu.distance()).isGreaterThanOrEqualTo(0.0);
            }
            assertThat(keys).hasSize(IMAGES);

            List<ConsumerRecord<byte[], byte[]>> training = TestTopics.read(bootstrap, TOPICS.training().name(),
                    IMAGES, Duration.ofMinutes(2), Duration.ZERO);
            assertThat(training).hasSize(IMAGES);

            // Every unit has a picture, its decoded prototype, and a prototype of the latent's width.
            List<ConsumerRecord<byte[], byte[]>> prototypes = TestTopics.read(bootstrap, TOPICS.prototypes().name(),
                    UNITS, Duration.ofMinutes(1), Duration.ofSeconds(2));
            assertThat(prototypes).hasSizeGreaterThanOrEqualTo(UNITS);
            List<Messages.Prototype> first = prototypes.subList(0, UNITS).stream()
                    .map(r -> Messages.fromJson(r.value(), Messages.Prototype.class)).toList();
            assertThat(first).allSatisfy(p -> {
                assertThat(p.dim()).isEqualTo(8);
                assertThat(p.imagePng()).isNotNull();
            });
        }
        CheckpointStore store = new CheckpointStore(work.resolve("checkpoints"));
        assertThat(store.versions()).isNotEmpty();
        try (NDManager manager = NDManager.newBaseManager()) {
            Checkpoint.Loaded loaded = Checkpoint.load(store.path(store.versions().get(store.versions().size() - 1)),
                    manager);
            assertThat(loaded.config().modelArch()).isEqualTo("gen_som_attn");
            assertThat(loaded.config().sameNetwork(model)).isTrue();
            assertThat(loaded.model()).isInstanceOf(UnitSampler.class);
            float[][] drawn = ((UnitSampler) loaded.model()).sample(4, 2, 0.1, new Random(1));
            assertThat(drawn).hasNumberOfRows(2);
            assertThat(drawn[0]).hasSize(28 * 28);
        }
    }
}
