package io.vitsom.serving;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vitsom.model.checkpoint.Checkpoint;
import io.vitsom.model.data.DecodedImage;
import io.vitsom.model.data.ImageCodec;
import io.vitsom.model.data.ImageDecodeException;
import io.vitsom.model.infer.VitSomPredictor;
import io.vitsom.model.metrics.RollingTopology;
import io.vitsom.model.som.SomGrid;
import io.vitsom.model.som.Topology;
import io.vitsom.stream.ImageRecord;
import io.vitsom.stream.Messages;
import io.vitsom.stream.Topics;
import io.vitsom.stream.ValidationTopology;
import io.vitsom.stream.testing.Fixtures;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AssignmentTopologyTest {
    private static final Topics TOPICS = Topics.defaults();
    private static final String APPLICATION_ID = "serving-test";
    private static final Duration MAX_DELAY = Duration.ofMillis(20);
    private static final long EVENT_TIME = 1_700_000_000_000L;

    @TempDir
    static Path checkpoints;
    private static Path first;
    private static Path second;

    @TempDir
    Path stateDir;

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final List<ModelWatcher> watchers = new ArrayList<>();
    private TopologyTestDriver driver;
    private TestInputTopic<String, byte[]> valid;
    private TestOutputTopic<String, byte[]> assignments;
    private TestOutputTopic<String, byte[]> dlq;

    @BeforeAll
    static void writeCheckpoints() throws Exception {
        first = Fixtures.tinyCheckpoint(checkpoints.resolve("first"), 1, 10);
        second = Fixtures.tinyCheckpoint(checkpoints.resolve("second"), 2, 20);
    }

    @AfterEach
    void close() {
        if (driver != null) {
            driver.close();
        }
        watchers.forEach(ModelWatcher::close);
    }

    private ModelWatcher watcher(Path checkpoint, long version) throws Exception {
        ModelWatcher watcher = ModelWatcher.fixed(checkpoint, version);
        watchers.add(watcher);
        return watcher;
    }

    private void start(ModelSource models, int batchSize) {
        start(models, batchSize, new TopologyWindow(ServingConfig.DEFAULT_TOPOLOGY_WINDOW));
    }

    private void start(ModelSource models, int batchSize, TopologyWindow window) {
        StreamsBuilder builder = new StreamsBuilder();
        window.bindTo(registry);
        AssignmentTopology.build(builder, TOPICS, models, new BatchConfig(batchSize, MAX_DELAY),
                new ServingMetrics(registry, models), window);
        Properties props = new Properties();
        props.setProperty(StreamsConfig.APPLICATION_ID_CONFIG, APPLICATION_ID);
        props.setProperty(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.setProperty(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        props.setProperty("processing.exception.handler.global.enabled", "true");
        driver = new TopologyTestDriver(builder.build(), props, Instant.ofEpochMilli(EVENT_TIME));
        valid = driver.createInputTopic(TOPICS.imagesValid().name(), TOPICS.imagesValid().keySerde().serializer(),
                TOPICS.imagesValid().valueSerde().serializer());
        assignments = driver.createOutputTopic(TOPICS.assignments().name(),
                TOPICS.assignments().keySerde().deserializer(), TOPICS.assignments().valueSerde().deserializer());
        dlq = driver.createOutputTopic(TOPICS.imagesDlq().name(), TOPICS.imagesDlq().keySerde().deserializer(),
                TOPICS.imagesDlq().valueSerde().deserializer());
    }

    private static Headers headers(String label, long eventTime) {
        return ImageRecord.write(new RecordHeaders(), new ImageRecord.Metadata(ImageRecord.PNG, "test",
                Optional.ofNullable(label), Instant.ofEpochMilli(eventTime)));
    }

    private void send(String key, byte[] value, String label, long eventTime) {
        valid.pipeInput(new TestRecord<>(key, value, headers(label, eventTime)));
    }

    private static Messages.Bmu bmu(TestRecord<String, byte[]> record) {
        return Messages.fromJson(record.value(), Messages.Bmu.class);
    }

    /** The BMU by the plain distance matrix of a separately loaded predictor: what the topology must agree with. */
    static int[] expectedUnits(Path checkpoint, byte[][] pngs) throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            Checkpoint.Loaded loaded = Checkpoint.load(checkpoint, manager);
            VitSomPredictor predictor = new VitSomPredictor(loaded.vitSom(), manager);
            int pixels = Fixtures.SIZE * Fixtures.SIZE;
            float[] input = new float[pngs.length * pixels];
            for (int i = 0; i < pngs.length; i++) {
                DecodedImage image = ImageCodec.decode(pngs[i]);
                for (int k = 0; k < pixels; k++) {
                    input[i * pixels + k] = (image.chw()[k] & 0xFF) / 255f;
                }
            }
            float[][] distances = predictor.distances(input, pngs.length);
            int[] units = new int[pngs.length];
            for (int i = 0; i < pngs.length; i++) {
                for (int j = 1; j < distances[i].length; j++) {
                    if (distances[i][j] < distances[i][units[i]]) {
                        units[i] = j;
                    }
                }
            }
            return units;
        }
    }

    @Test
    void everyRecordGetsOneAssignmentEqualToThePredictorsBmuWithItsKeyLabelAndEventTime() throws Exception {
        start(watcher(first, 7), 4);
        byte[][] pngs = Fixtures.pngImages(8, 42);
        for (int i = 0; i < pngs.length; i++) {
            send("img-" + i, pngs[i], i % 2 == 0 ? Integer.toString(i) : null, EVENT_TIME + i);
        }

        List<TestRecord<String, byte[]>> out = assignments.readRecordsToList();
        int[] expected = expectedUnits(first, pngs);
        assertThat(out).extracting(TestRecord::key)
                .containsExactly("img-0", "img-1", "img-2", "img-3", "img-4", "img-5", "img-6", "img-7");
        for (int i = 0; i < out.size(); i++) {
            Messages.Bmu bmu = bmu(out.get(i));
            assertThat(bmu.unit()).as("unit of image %d", i).isEqualTo(expected[i]);
            assertThat(bmu.row()).isEqualTo(expected[i] / 4);
            assertThat(bmu.col()).isEqualTo(expected[i] % 4);
            assertThat(bmu.distance()).isFinite();
            assertThat(bmu.modelVersion()).isEqualTo(7);
            assertThat(bmu.eventTime()).isEqualTo(EVENT_TIME + i);
            assertThat(bmu.label()).isEqualTo(i % 2 == 0 ? Integer.toString(i) : null);
        }
        assertThat(dlq.isEmpty()).isTrue();
        assertThat(registry.get("vitsom.serving.batch.size").summary().count()).isEqualTo(2);
        assertThat(registry.get("vitsom.serving.batch.size").summary().max()).isEqualTo(4);
        assertThat(registry.get("vitsom.serving.images").tag("path", "stream").counter().count()).isEqualTo(8);
    }

    @Test
    void theSomGaugesAreThoseOfARollingTopologyOfTheMostRecentStreamAssignments() throws Exception {
        long[] now = {0};
        TopologyWindow window = new TopologyWindow(6, () -> now[0]);
        start(watcher(first, 7), 4, window);
        byte[][] pngs = Fixtures.pngImages(10, 17);
        String[] labels = {"a", "b", null, "a", "c", "b", "a", null, "c", "a"};

        for (int i = 0; i < 4; i++) {
            send("img-" + i, pngs[i], labels[i], EVENT_TIME + i);
        }
        assertThat(gauge(TopologyWindow.WINDOW_IMAGES)).as("one batch of 4 assigned").isEqualTo(4.0);
        for (int i = 4; i < pngs.length; i++) {
            send("img-" + i, pngs[i], labels[i], EVENT_TIME + i);
        }
        driver.advanceWallClockTime(MAX_DELAY);
        now[0] += TopologyWindow.SNAPSHOT_MAX_AGE.toNanos();

        // The same assignments, as som.assignments carries them, through a window of the same size.
        List<TestRecord<String, byte[]>> out = assignments.readRecordsToList();
        assertThat(out).hasSize(10);
        RollingTopology expected = new RollingTopology(new SomGrid(4, 4, Topology.SQUARE), 6);
        for (TestRecord<String, byte[]> record : out) {
            Messages.Bmu bmu = bmu(record);
            assertThat(bmu.secondUnit()).as("serving knows the second BMU").isNotNull().isNotEqualTo(bmu.unit());
            expected.add(bmu.unit(), bmu.secondUnit(), bmu.distance(), bmu.label());
        }
        RollingTopology.Snapshot want = expected.snapshot();
        assertThat(want.images()).isEqualTo(6);
        assertThat(gauge(TopologyWindow.WINDOW_IMAGES)).isEqualTo(6.0);
        assertThat(gauge(TopologyWindow.QUANTIZATION_ERROR)).isEqualTo(want.quantizationError()).isPositive();
        assertThat(gauge(TopologyWindow.TOPOGRAPHIC_ERROR)).isEqualTo(want.topographicError());
        assertThat(gauge(TopologyWindow.TOPOGRAPHIC_ERROR_8)).isEqualTo(want.topographicError8());
        assertThat(gauge(TopologyWindow.DEAD_UNITS_RATIO)).isEqualTo(want.deadUnitShare());
        assertThat(gauge(TopologyWindow.HIT_ENTROPY)).isEqualTo(want.hitEntropy());
        assertThat(gauge(TopologyWindow.PURITY)).isEqualTo(want.purity()).isBetween(0.0, 1.0);
        assertThat(gauge(TopologyWindow.NMI)).isEqualTo(want.nmi()).isBetween(0.0, 1.0);
    }

    private double gauge(String name) {
        return registry.get(name).gauge().value();
    }

    @Test
    void aPartialBatchIsFlushedWhenTheMaximumDelayOfWallClockTimePasses() throws Exception {
        start(watcher(first, 1), 64);
        byte[][] pngs = Fixtures.pngImages(3, 7);
        for (int i = 0; i < pngs.length; i++) {
            send("k" + i, pngs[i], "3", EVENT_TIME);
        }
        assertThat(assignments.isEmpty()).as("nothing before the batch fills or the delay passes").isTrue();

        driver.advanceWallClockTime(MAX_DELAY);

        assertThat(assignments.readRecordsToList()).extracting(TestRecord::key).containsExactly("k0", "k1", "k2");
        assertThat(registry.get("vitsom.serving.batch.size").summary().max()).isEqualTo(3);
    }

    @Test
    void undecodableAndWrongShapeImagesGoToTheDlqWithReasonsAndTheOthersAreStillAssigned() throws Exception {
        start(watcher(first, 1), 64);
        byte[] garbage = "not a picture".getBytes(StandardCharsets.UTF_8);
        send("good-1", Fixtures.pngImages(1, 1)[0], null, EVENT_TIME);
        send("garbage", garbage, "5", EVENT_TIME);
        send("big", Fixtures.pngImages(1, 2, 1, 28)[0], null, EVENT_TIME);
        send("null", null, null, EVENT_TIME);
        send("good-2", Fixtures.pngImages(1, 3)[0], null, EVENT_TIME);

        driver.advanceWallClockTime(MAX_DELAY);

        assertThat(assignments.readRecordsToList()).extracting(TestRecord::key).containsExactly("good-1", "good-2");
        List<TestRecord<String, byte[]>> rejected = dlq.readRecordsToList();
        assertThat(rejected).extracting(TestRecord::key).containsExactly("garbage", "big", "null");
        assertThat(rejected).extracting(r -> header(r, ImageRecord.DLQ_REASON)).containsExactly(
                ImageDecodeException.NOT_AN_IMAGE, ValidationTopology.WRONG_SIZE, ImageDecodeException.EMPTY);
        TestRecord<String, byte[]> first = rejected.get(0);
        assertThat(first.value()).isEqualTo(garbage);
        assertThat(header(first, ImageRecord.LABEL)).as("original headers kept").isEqualTo("5");
        assertThat(header(first, ImageRecord.DLQ_TOPIC)).isEqualTo(TOPICS.imagesValid().name());
        assertThat(header(first, ImageRecord.DLQ_PARTITION)).isEqualTo("0");
        assertThat(header(first, ImageRecord.DLQ_OFFSET)).isEqualTo("1");
        assertThat(header(rejected.get(1), ImageRecord.DLQ_DETAIL)).contains("1x28x28").contains("1x14x14");
        assertThat(registry.get("vitsom.serving.rejected").tag("reason", "wrong-size").counter().count())
                .isEqualTo(1);
    }

    private static String header(TestRecord<String, byte[]> record, String key) {
        return ImageRecord.get(record.headers(), key).orElse(null);
    }

    @Test
    void bufferedRecordsAreInTheLoggedStoreUntilTheirBatchIsFlushed() throws Exception {
        start(watcher(first, 1), 64);
        byte[][] pngs = Fixtures.pngImages(3, 9);
        for (int i = 0; i < pngs.length; i++) {
            send("k" + i, pngs[i], null, EVENT_TIME);
        }
        KeyValueStore<Long, byte[]> store = driver.getKeyValueStore(AssignmentTopology.BUFFER_STORE);
        TestOutputTopic<Long, byte[]> changelog = driver.createOutputTopic(
                APPLICATION_ID + "-" + AssignmentTopology.BUFFER_STORE + "-changelog",
                Serdes.Long().deserializer(), Serdes.ByteArray().deserializer());

        List<KeyValue<Long, byte[]>> logged = changelog.readKeyValuesToList();
        assertThat(logged).extracting(kv -> kv.key).containsExactly(0L, 1L, 2L);
        assertThat(logged).extracting(kv -> BufferedRecord.fromBytes(kv.value).key()).containsExactly("k0", "k1", "k2");
        assertThat(BufferedRecord.fromBytes(store.get(2L)).value()).isEqualTo(pngs[2]);

        driver.advanceWallClockTime(MAX_DELAY);

        assertThat(assignments.readRecordsToList()).hasSize(3);
        assertThat(store.approximateNumEntries()).isZero();
        assertThat(changelog.readKeyValuesToList()).as("flushed entries are deleted from the changelog too")
                .extracting(kv -> kv.key + "=" + kv.value).containsExactly("0=null", "1=null", "2=null");
    }

    @Test
    void recordsRestoredFromTheChangelogAreAssignedFirstAndNumberingContinuesAfterThem() throws Exception {
        ModelWatcher models = watcher(first, 1);
        Properties props = new Properties();
        props.setProperty("processing.exception.handler.global.enabled", "true");
        MockProcessorContext<String, AssignmentTopology.Outcome> context = new MockProcessorContext<>(props);
        KeyValueStore<Long, byte[]> store = Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore(AssignmentTopology.BUFFER_STORE), Serdes.Long(), Serdes.ByteArray())
                .withLoggingDisabled().build();
        store.init(context.getStateStoreContext(), store);
        context.addStateStore(store);
        // What a restarted task finds after the restore: two records buffered (and committed) before a crash.
        byte[][] pngs = Fixtures.pngImages(3, 5);
        store.put(5L, new BufferedRecord("restored-a", pngs[0], List.of(), 1L, EVENT_TIME, "images.valid", 0, 10)
                .toBytes());
        store.put(6L, new BufferedRecord("restored-b", pngs[1], List.of(), 2L, EVENT_TIME, "images.valid", 0, 11)
                .toBytes());
        AssignmentTopology.Batcher batcher = new AssignmentTopology.Batcher(models,
                new BatchConfig(64, MAX_DELAY), new ServingMetrics(registry, models),
                new TopologyWindow(ServingConfig.DEFAULT_TOPOLOGY_WINDOW));
        batcher.init(context);

        context.setCurrentSystemTimeMs(EVENT_TIME);
        context.setRecordMetadata("images.valid", 0, 12);
        batcher.process(new Record<>("new", pngs[2], 3L, headers(null, EVENT_TIME)));
        assertThat(store.get(7L)).as("the new record is numbered after the restored ones").isNotNull();
        context.scheduledPunctuators().get(0).getPunctuator().punctuate(EVENT_TIME);

        List<Record<String, AssignmentTopology.Outcome>> forwarded = new ArrayList<>();
        context.forwarded().forEach(f -> forwarded.add(new Record<>(f.record().key(), f.record().value(),
                f.record().timestamp())));
        assertThat(forwarded).extracting(Record::key).containsExactly("restored-a", "restored-b", "new");
        assertThat(forwarded).extracting(Record::timestamp).containsExactly(1L, 2L, 3L);
        assertThat(forwarded).allSatisfy(r ->
                assertThat(r.value()).isInstanceOf(AssignmentTopology.Assigned.class));
        try (KeyValueIterator<Long, byte[]> left = store.all()) {
            assertThat(left.hasNext()).isFalse();
        }
    }

    @Test
    void recordsWaitWhileThereIsNoModelAndAreAssignedOnceOneArrives() throws Exception {
        ModelWatcher models = ModelWatcher.withoutKafka();
        watchers.add(models);
        start(models, 2);
        byte[][] pngs = Fixtures.pngImages(3, 11);
        for (int i = 0; i < pngs.length; i++) {
            send("k" + i, pngs[i], null, EVENT_TIME);
        }
        driver.advanceWallClockTime(MAX_DELAY);
        assertThat(assignments.isEmpty()).isTrue();
        assertThat(dlq.isEmpty()).isTrue();

        assertThat(models.offer(version(3, first))).isTrue();
        driver.advanceWallClockTime(MAX_DELAY);

        List<TestRecord<String, byte[]>> out = assignments.readRecordsToList();
        assertThat(out).extracting(TestRecord::key).containsExactly("k0", "k1", "k2");
        assertThat(out).extracting(r -> bmu(r).modelVersion()).containsOnly(3L);
        assertThat(registry.get("vitsom.serving.batch.size").summary().max()).as("held records still go in batches of 2")
                .isEqualTo(2);
    }

    @Test
    void aNewerModelAssignsFromTheNextBatchOnWithoutRestartingTheTopology() throws Exception {
        ModelWatcher models = ModelWatcher.withoutKafka();
        watchers.add(models);
        models.offer(version(1, first));
        start(models, 4);
        byte[][] pngs = Fixtures.pngImages(4, 13);
        for (int i = 0; i < pngs.length; i++) {
            send("before-" + i, pngs[i], null, EVENT_TIME);
        }
        assertThat(models.offer(version(2, second))).isTrue();
        for (int i = 0; i < pngs.length; i++) {
            send("after-" + i, pngs[i], null, EVENT_TIME);
        }

        List<TestRecord<String, byte[]>> out = assignments.readRecordsToList();
        assertThat(out).extracting(r -> r.key() + "@" + bmu(r).modelVersion()).containsExactly(
                "before-0@1", "before-1@1", "before-2@1", "before-3@1", "after-0@2", "after-1@2", "after-2@2",
                "after-3@2");
        int[] expected = expectedUnits(second, pngs);
        assertThat(out.subList(4, 8)).extracting(r -> bmu(r).unit())
                .containsExactly(expected[0], expected[1], expected[2], expected[3]);
    }

    static Messages.ModelVersion version(long number, Path checkpoint) {
        return new Messages.ModelVersion(number, number * 10, number * 100, checkpoint.toAbsolutePath().toString(),
                Instant.now().toString(), "test", number, 4, 4, "square", Map.of());
    }
}
