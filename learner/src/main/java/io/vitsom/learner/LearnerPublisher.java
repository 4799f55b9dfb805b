package io.vitsom.learner;

import io.vitsom.learner.novel.NovelHeaders;
import io.vitsom.model.adapt.ContinualTrainer;
import io.vitsom.model.checkpoint.Checkpoint;
import io.vitsom.model.checkpoint.CodeVersion;
import io.vitsom.model.map.MapModel;
import io.vitsom.model.map.MapModelConfig;
import io.vitsom.model.data.ImageCodec;
import io.vitsom.model.drift.DriftEvent;
import io.vitsom.model.metrics.TopologyMetrics;
import io.vitsom.model.som.SomGrid;
import io.vitsom.model.train.StepResult;
import io.vitsom.stream.ImageRecord;
import io.vitsom.stream.Messages;
import io.vitsom.stream.ModelSignatures;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.IntegerSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything the learner writes to Kafka: training BMUs ({@code som.training}), rejected records (DLQ), quarantined
 * records ({@code images.novel}), the prototype map and model record of each version ({@code som.prototypes},
 * {@code som.models}), events ({@code som.events}) and its continual-learning state ({@code som.learning}). Every
 * send goes through the {@link ProduceMonitor}, so a failed one is counted and makes the learner unhealthy.
 */
final class LearnerPublisher {
    private static final Logger LOG = LoggerFactory.getLogger(LearnerPublisher.class);
    private static final IntegerSerializer UNIT_KEYS = new IntegerSerializer();

    private final LearnerConfig config;
    private final KafkaProducer<byte[], byte[]> producer;
    private final ProduceMonitor produced;
    private final LearnerMetrics metrics;

    LearnerPublisher(LearnerConfig config, KafkaProducer<byte[], byte[]> producer, ProduceMonitor produced,
                     LearnerMetrics metrics) {
        this.config = config;
        this.producer = producer;
        this.produced = produced;
        this.metrics = metrics;
    }

    /** The training-time BMU of every fresh image the step trained, keyed by image key. */
    void training(Batch batch, ContinualTrainer.Outcome outcome, SomGrid grid, long version) {
        StepResult result = outcome.step();
        String topic = config.topics().training().name();
        byte[] step = bytes(Long.toString(result.step()));
        int[] trained = outcome.trained();
        for (int k = 0; k < trained.length; k++) {
            int i = trained[k];
            int unit = (int) result.bmus()[k];
            Messages.Bmu bmu = new Messages.Bmu(unit, grid.row(unit), grid.col(unit), result.bmuDistances()[k],
                    version, batch.eventTime(i), batch.label(i), null);
            Headers headers = new RecordHeaders();
            headers.add(OnlineLearner.TRAINING_PARTITION, bytes(Integer.toString(batch.partition(i))));
            headers.add(OnlineLearner.TRAINING_OFFSET, bytes(Long.toString(batch.offset(i))));
            headers.add(OnlineLearner.TRAINING_STEP, step);
            send(topic, bytes(batch.key(i)), Messages.toJson(bmu), headers);
        }
    }

    /** Copies the quarantined records, unchanged, to {@code images.novel} with why in headers. */
    void novel(Batch batch, ContinualTrainer.Outcome outcome, long version) {
        String topic = config.topics().imagesNovel().name();
        for (ContinualTrainer.Novel n : outcome.novel()) {
            ConsumerRecord<String, byte[]> record = batch.record(n.index());
            Headers headers = new RecordHeaders(record.headers().toArray());
            headers.remove(NovelHeaders.RELEASED);
            headers.add(NovelHeaders.DISTANCE, bytes(Double.toString(n.distance())));
            headers.add(NovelHeaders.THRESHOLD, bytes(Double.toString(n.threshold())));
            headers.add(NovelHeaders.MODEL_VERSION, bytes(Long.toString(version)));
            headers.add(NovelHeaders.SOURCE, bytes(record.topic() + "-" + record.partition() + "@" + record.offset()));
            send(topic, bytes(record.key()), record.value(), headers);
        }
        if (!outcome.novel().isEmpty()) {
            LOG.info("quarantined {} novel image(s) to {} (threshold {})", outcome.novel().size(), topic,
                    String.format(Locale.ROOT, "%.4g", outcome.novel().get(0).threshold()));
        }
    }

    /** Sends a record the learner cannot use to the DLQ with the reason in headers. */
    void deadLetter(ConsumerRecord<String, byte[]> record, String reason, String problem) {
        Headers headers = new RecordHeaders(record.headers().toArray());
        ImageRecord.put(headers, ImageRecord.DLQ_REASON, reason);
        ImageRecord.put(headers, ImageRecord.DLQ_DETAIL, problem);
        ImageRecord.put(headers, ImageRecord.DLQ_TOPIC, record.topic());
        ImageRecord.put(headers, ImageRecord.DLQ_PARTITION, Integer.toString(record.partition()));
        ImageRecord.put(headers, ImageRecord.DLQ_OFFSET, Long.toString(record.offset()));
        send(config.topics().imagesDlq().name(), bytes(record.key()), record.value(), headers);
    }

    /** A drift detected: an event on {@code som.events}, a counter, a log line. */
    void drift(DriftEvent e, long version) {
        metrics.detection(e.series(), e.detector());
        String message = String.format(Locale.ROOT, "%s rose by %.4g (%s) after %d fresh images", e.series(),
                e.magnitude(), e.detector(), e.detectedAtImages());
        LOG.warn("drift detected: {}", message);
        event(new Messages.MapEvent("drift", e.series(), e.detector(), e.magnitude(), Instant.now().toString(),
                e.detectedAtImages(), version, message));
    }

    /** Any event on {@code som.events}, keyed by its type. */
    void event(Messages.MapEvent event) {
        String topic = config.topics().events().name();
        send(topic, bytes(event.type()), Messages.toJson(event), new RecordHeaders());
    }

    /** The continual-learning state on {@code som.learning}. */
    void learning(Messages.LearningState state) {
        send(config.topics().learning().name(), bytes("learner"), Messages.toJson(state), new RecordHeaders());
    }

    /**
     * Publishes the prototypes ({@code w}, {@code [units, dim]} row-major) and the model record of a version, then
     * flushes: a version is announced only with its prototypes durable.
     *
     * @param drift movement since the previous version, or {@code null} when there is none
     */
    void model(LearnerSession session, long version, Path checkpoint, Map<TopicPartition, Long> offsets, float[] w,
               TopologyMetrics.Drift drift) throws IOException {
        MapModel model = session.trainer().map();
        SomGrid grid = model.grid();
        if (config.publishPrototypes()) {
            int units = grid.units();
            int dim = w.length / units;
            float[][] decoded = model.unitPictures(session.learner.lastBatch(), session.learner.lastBatchSize());
            MapModelConfig m = config.model();
            String topic = config.topics().prototypes().name();
            for (int unit = 0; unit < units; unit++) {
                float[] vector = Arrays.copyOfRange(w, unit * dim, (unit + 1) * dim);
                byte[] png = decoded == null || decoded[unit] == null ? null : ImageCodec.encodePng(
                        ImageCodec.fromFloats(m.numChannels(), m.inputSize(), m.inputSize(), decoded[unit]));
                send(topic, UNIT_KEYS.serialize(null, unit), Messages.toJson(Messages.Prototype.of(unit,
                        grid.row(unit), grid.col(unit), version, vector, png)), new RecordHeaders());
            }
        }
        Map<String, Long> named = new TreeMap<>();
        offsets.forEach((tp, offset) -> named.put(tp.toString(), offset));
        Messages.ModelVersion record = new Messages.ModelVersion(version, session.trainer().stepCount(),
                session.imagesTrained, checkpoint.toString(), Instant.now().toString(),
                CodeVersion.describe(), config.options().seed(), grid.rows(), grid.cols(),
                grid.topology().name().toLowerCase(Locale.ROOT), named,
                drift == null ? null : drift.mean(), drift == null ? null : drift.max());
        byte[] value = Messages.toJson(record);
        Headers headers = new RecordHeaders();
        if (config.signatures().enabled()) {
            byte[] manifest = Files.readAllBytes(checkpoint.resolve(Checkpoint.MANIFEST));
            headers.add(ModelSignatures.HEADER, bytes(config.signatures().sign(value, manifest)));
        }
        send(config.topics().models().name(), bytes(String.format("v%06d", version)), value, headers);
        producer.flush();
    }

    /** Makes everything sent so far durable (before a checkpoint vouches for it). */
    void flush() {
        producer.flush();
    }

    private void send(String topic, byte[] key, byte[] value, Headers headers) {
        producer.send(new ProducerRecord<>(topic, null, key, value, headers), produced.callback(topic));
    }

    static byte[] bytes(String s) {
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }
}
