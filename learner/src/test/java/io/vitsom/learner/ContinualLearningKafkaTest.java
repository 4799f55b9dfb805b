package io.vitsom.learner;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vitsom.learner.novel.NovelHeaders;
import io.vitsom.learner.novel.NovelRelease;
import io.vitsom.model.adapt.AdaptationConfig;
import io.vitsom.stream.EmbeddedKafka;
import io.vitsom.stream.Messages;
import io.vitsom.stream.Topics;
import io.vitsom.stream.testing.Fixtures;
import io.vitsom.stream.testing.TestTopics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The continual-learning parts of the learner on the real broker: a quarantined record goes to images.novel with
 * why in its headers and is trained once released; the learner publishes its state on som.learning; a promotion
 * requested from another thread swaps the maps and is recorded on som.events; a checkpoint carries the state.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class ContinualLearningKafkaTest {
    private static final Topics TOPICS = Topics.defaults();
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final int IMAGES = 200;

    @TempDir
    Path tmp;

    @Test
    void quarantinesReleasesPublishesStateAndPromotes() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(new EmbeddedKafka.Settings(tmp.resolve("kafka"), 0, 0))) {
            String bootstrap = kafka.bootstrapServers();
            LearnerConfig base = LearnerTesting.config(bootstrap, tmp.resolve("ckpt"), 2);
            AdaptationConfig a = base.options().adaptation();
            // A gate at the median of the recent distances quarantines about half of a stationary feed: a wiring
            // test that does not depend on how well a tiny model tells images apart.
            LearnerConfig config = new LearnerConfig(base.model(), base.kafka(), base.topics(), base.groupId(),
                    base.checkpointDir(), base.options().withAdaptation(
                            a.with(new AdaptationConfig.Quarantine(true, 0.5, 1.0, 200, 32))), true);
            try (var admin = config.kafka().admin("test")) {
                TOPICS.createMissing(admin, (short) 1, WAIT);
            }
            TestTopics.produceImages(bootstrap, TOPICS.imagesValid().name(), Fixtures.pngImages(IMAGES, 3), "a", null);

            OnlineLearner learner = new OnlineLearner(config, new LearnerMetrics(new SimpleMeterRegistry()));
            Thread thread = new Thread(learner, "learner-under-test");
            thread.setDaemon(true);
            thread.start();

            // Every record is either trained or quarantined, never both.
            Set<String> trained = new HashSet<>();
            Set<String> novel = new HashSet<>();
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (trained.size() + novel.size() < IMAGES && System.nanoTime() < deadline) {
                trained = keys(TestTopics.read(bootstrap, TOPICS.training().name(), IMAGES, Duration.ofSeconds(2),
                        Duration.ZERO));
                novel = keys(TestTopics.read(bootstrap, TOPICS.imagesNovel().name(), IMAGES, Duration.ofSeconds(1),
                        Duration.ZERO));
            }
            assertThat(novel).isNotEmpty().doesNotContainAnyElementsOf(trained);
            assertThat(trained.size() + novel.size()).isEqualTo(IMAGES);
            ConsumerRecord<byte[], byte[]> quarantined = TestTopics.read(bootstrap, TOPICS.imagesNovel().name(), 1,
                    WAIT, Duration.ZERO).get(0);
            assertThat(Double.parseDouble(TestTopics.header(quarantined, NovelHeaders.DISTANCE)))
                    .isGreaterThan(Double.parseDouble(TestTopics.header(quarantined, NovelHeaders.THRESHOLD)));
            assertThat(TestTopics.header(quarantined, NovelHeaders.SOURCE)).startsWith("images.valid-");

            // Released, it is trained: the learner does not quarantine a released image again.
            String key = TestTopics.key(quarantined);
            NovelRelease.Result released = new NovelRelease(config.kafka(), TOPICS)
                    .release(NovelRelease.Selection.keys(Set.of(key)), Duration.ofSeconds(30));
            assertThat(released.released()).isEqualTo(1);
            deadline = System.nanoTime() + WAIT.toNanos();
            while (!trained.contains(key) && System.nanoTime() < deadline) {
                trained = keys(TestTopics.read(bootstrap, TOPICS.training().name(), IMAGES + 1,
                        Duration.ofSeconds(2), Duration.ZERO));
            }
            assertThat(trained).contains(key);

            // The learner's state, every 10 s.
            List<ConsumerRecord<byte[], byte[]>> states = TestTopics.read(bootstrap, TOPICS.learning().name(), 1,
                    Duration.ofSeconds(30), Duration.ZERO);
            assertThat(states).isNotEmpty();
            Messages.LearningState state = Messages.fromJson(states.get(0).value(), Messages.LearningState.class);
            assertThat(state.freshImages()).isPositive();
            assertThat(state.shadow()).as("a shadow map trains from the start").isNotNull();

            // A promotion asked from another thread is carried out by the loop and recorded.
            assertThat(learner.shadowControl().request(ShadowControl.Action.PROMOTE).get(60, TimeUnit.SECONDS))
                    .contains("promoted");
            List<ConsumerRecord<byte[], byte[]>> events = TestTopics.read(bootstrap, TOPICS.events().name(), 2,
                    Duration.ofSeconds(30), Duration.ofSeconds(1));
            assertThat(events).extracting(r -> Messages.fromJson(r.value(), Messages.MapEvent.class).type())
                    .contains("shadow-promoted", "novel-released");

            learner.stop();
            assertThat(learner.awaitStopped(Duration.ofSeconds(60))).isTrue();
            assertThat(learner.failure()).isEmpty();
            // The checkpoint carries the continual-learning state and the shadow map.
            CheckpointStore store = new CheckpointStore(config.checkpointDir());
            List<Long> versions = store.versions();
            Path newest = store.path(versions.get(versions.size() - 1));
            assertThat(newest.resolve("adapt/state.json")).exists();
            assertThat(newest.resolve("adapt/reservoir/images.npy")).exists();
            assertThat(newest.resolve("shadow/checkpoint.json")).exists();
        }
    }

    private static Set<String> keys(List<ConsumerRecord<byte[], byte[]>> records) {
        Set<String> out = new HashSet<>();
        records.forEach(r -> out.add(TestTopics.key(r)));
        return out;
    }
}
