package io.vitsom.learner;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vitsom.model.checkpoint.Checkpoint;
import io.vitsom.model.checkpoint.CodeVersion;
import io.vitsom.model.config.VitSomConfig;
import io.vitsom.model.data.ImageCodec;
import io.vitsom.model.infer.VitSomPredictor;
import io.vitsom.model.metrics.TopologyMetrics;
import io.vitsom.model.nn.SomLayer;
import io.vitsom.model.nn.VitSom;
import io.vitsom.model.som.SomGrid;
import io.vitsom.model.train.StepResult;
import io.vitsom.model.train.VitSomTrainer;
import io.vitsom.stream.ImageRecord;
import io.vitsom.stream.Messages;
import io.vitsom.stream.ModelSignatures;
import io.vitsom.stream.ValidationConfig;
import io.vitsom.stream.ValidationTopology;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetOutOfRangeException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.IntegerSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains ViT-SOM online on the valid-image topic: forms mini-batches, runs the training step, checkpoints model,
 * optimizer, schedule position and consumed offsets together, and publishes what it learned.
 *
 * <p>Exactly-once training across crashes: the learner reads every partition of its input by assignment (one
 * learner trains one model) and seeks to the offsets stored in its newest valid checkpoint, which are the offsets
 * just past the last record whose batch the checkpointed model was trained on. Work done after that checkpoint is
 * lost with a crash and redone from the same records; nothing is trained twice into one model lineage, nothing is
 * skipped. Offsets are committed to the consumer group only after the checkpoint is durable, and only so that lag
 * can be monitored.
 *
 * <p>Outputs: after every step the BMU of each image goes to {@code som.training} (keyed by image key, with the
 * record's input partition, offset and the step in headers); after every checkpoint the prototype map goes to
 * {@code som.prototypes} and a {@link Messages.ModelVersion} to {@code som.models}, with how far the prototypes moved
 * since the previous version (also the {@code vitsom_som_prototype_drift_*} gauges of {@link LearnerMetrics}; the
 * previous version of a restarted learner is the checkpoint it resumed from). Images that cannot be decoded or do not
 * match the model go to the DLQ; they never stop the loop.
 *
 * <p>This class is the loop; its parts are the {@link CheckpointLock} on the store, the {@link CheckpointRestorer}
 * (where training starts), the {@link InputPositions} (where reading starts, retention gaps, added partitions), the
 * {@link ProduceMonitor} (every produce checked) and {@link LearnerClients} (client settings, device).
 */
public final class OnlineLearner implements Runnable {
    /** Header on {@code som.training}: input partition of the image. */
    public static final String TRAINING_PARTITION = "vitsom.training.partition";
    /** Header on {@code som.training}: input offset of the image. */
    public static final String TRAINING_OFFSET = "vitsom.training.offset";
    /** Header on {@code som.training}: the training step that used the image. */
    public static final String TRAINING_STEP = "vitsom.training.step";
    /** DLQ reason for an image the learner could not use. */
    public static final String REJECTED_BY_LEARNER = "learner-rejected";

    private static final Logger LOG = LoggerFactory.getLogger(OnlineLearner.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration PROGRESS_EVERY = Duration.ofSeconds(10);
    /** How often the learner looks for partitions added to its input while it runs. */
    static final Duration PARTITION_CHECK_EVERY = Duration.ofSeconds(30);
    private static final IntegerSerializer UNIT_KEYS = new IntegerSerializer();

    private final LearnerConfig config;
    private final LearnerMetrics metrics;
    private final CheckpointStore store;
    private final ProduceMonitor produced;
    private final InputPositions input;
    private volatile Duration partitionCheckEvery = PARTITION_CHECK_EVERY;
    /** The model's input, exactly: what validation let through must still fit the model being trained. */
    private final ValidationConfig strictInput;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean stopping;
    private volatile KafkaConsumer<String, byte[]> consumer;
    private volatile State state = State.NEW;
    private volatile Throwable failure;

    /** Life cycle, for health checks. */
    public enum State { NEW, STARTING, RUNNING, STOPPED, FAILED }

    public OnlineLearner(LearnerConfig config, LearnerMetrics metrics) {
        this.config = Objects.requireNonNull(config, "config");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.store = new CheckpointStore(config.checkpointDir());
        this.strictInput = ValidationConfig.strict(config.model());
        this.produced = new ProduceMonitor(metrics);
        this.input = new InputPositions(config, metrics);
    }

    /** Looks for added input partitions this often instead of every {@link #PARTITION_CHECK_EVERY} (tests). */
    void partitionCheckEvery(Duration every) {
        this.partitionCheckEvery = every;
    }

    /** Current state. */
    public State state() {
        return state;
    }

    /**
     * Why the learner is not healthy although it runs: the last record it failed to produce, while no later send to
     * that topic has succeeded.
     */
    public Optional<String> problem() {
        return produced.problem();
    }

    /** Why the learner failed, when it did. */
    public Optional<Throwable> failure() {
        return Optional.ofNullable(failure);
    }

    /** Asks the loop to stop after the current step; it writes a final checkpoint. */
    public void stop() {
        stopping = true;
        KafkaConsumer<String, byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
    }

    /** Waits until {@link #run()} has returned. */
    public boolean awaitStopped(Duration timeout) throws InterruptedException {
        return stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void run() {
        state = State.STARTING;
        try (NDManager manager = NDManager.newBaseManager(LearnerClients.device(config.options().device()))) {
            loop(manager);
            state = State.STOPPED;
        } catch (RuntimeException | IOException | Error e) {
            failure = e;
            state = State.FAILED;
            if (e instanceof KafkaException || e instanceof IOException) {
                // Expected failures (cluster unreachable, unreadable checkpoint dir): the message says it all.
                LOG.error("the learner stopped: {}", e.getMessage());
                LOG.debug("the learner stopped", e);
            } else {
                LOG.error("the learner stopped on an error: {}", e.toString(), e);
            }
            if (e instanceof Error error) {
                throw error;
            }
        } finally {
            stopped.countDown();
        }
    }

    private void loop(NDManager manager) throws IOException {
        // Held until the loop ends: a second learner on the same directory is refused, naming this one. Taken, and the
        // checkpoints read, before Kafka is contacted: both are local decisions that must not wait on a cluster.
        try (CheckpointLock lock = CheckpointLock.acquire(store.dir())) {
            LearnerSession session = new CheckpointRestorer(config, store).restoreOrCreate(manager);
            try (Admin admin = config.kafka().admin("vitsom-learner-admin")) {
                config.topics().createMissing(admin, config.kafka().replicationFactor(), Duration.ofSeconds(30));
            } catch (KafkaException e) {
                // A refused login is reported as such (user, address, settings file), not as an unreachable cluster.
                throw config.kafka().authenticationFailure(e).orElseGet(() -> new KafkaException(
                        "cannot reach Kafka at " + config.kafka().bootstrapServers() + ": " + e.getMessage(), e));
            }
            consume(manager, session);
        }
    }

    private void consume(NDManager manager, LearnerSession session) throws IOException {
        VitSomConfig modelConfig = config.model();
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(LearnerClients.consumer(config, partitionCheckEvery));
             KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(LearnerClients.producer(config));
             VitSomTrainer trainer = session.trainer) {
            consumer = c;
            if (stopping) {
                return;
            }
            List<TopicPartition> partitions = input.partitions(c);
            input.assign(c, partitions, session);
            LOG.info("learner reading {} from {} (model version {}, step {}, {} images trained so far)",
                    partitions, session.offsets.isEmpty() ? "the beginning" : "checkpointed offsets " + session.offsets,
                    session.version, trainer.stepCount(), session.imagesTrained);
            state = State.RUNNING;
            Batch batch = new Batch(modelConfig);
            long lastProgress = System.nanoTime();
            long lastPartitionCheck = System.nanoTime();
            long imagesAtProgress = session.imagesTrained;
            while (!stopping) {
                ConsumerRecords<String, byte[]> records;
                try {
                    records = c.poll(POLL);
                } catch (WakeupException e) {
                    break;
                } catch (OffsetOutOfRangeException e) {
                    input.retentionGap(c, e.offsetOutOfRangePartitions(), session);
                    continue;
                }
                for (ConsumerRecord<String, byte[]> record : records) {
                    accept(record, batch, producer);
                    if (batch.full()) {
                        train(batch, session, producer);
                    }
                }
                if (!batch.isEmpty() && batch.waited().compareTo(config.options().batchTimeout()) >= 0) {
                    train(batch, session, producer);
                }
                if (session.checkpointDue(config.options())) {
                    checkpoint(session, c, producer, manager);
                }
                metrics.lag(c);
                if (System.nanoTime() - lastPartitionCheck >= partitionCheckEvery.toNanos()) {
                    // Partitions added to the input while the learner runs are trained too, from their beginning.
                    List<TopicPartition> now = input.partitions(c);
                    if (!c.assignment().containsAll(now)) {
                        LOG.info("input partitions changed from {} to {}", c.assignment(), now);
                        input.assign(c, now, session);
                    }
                    lastPartitionCheck = System.nanoTime();
                }
                if (System.nanoTime() - lastProgress >= PROGRESS_EVERY.toNanos()) {
                    double seconds = (System.nanoTime() - lastProgress) / 1e9;
                    LOG.info("step {} | {} images trained | {} img/s | loss {} | T {} | gamma {} | version {}",
                            trainer.stepCount(), session.imagesTrained,
                            String.format("%.1f", (session.imagesTrained - imagesAtProgress) / seconds),
                            String.format("%.4f", metrics.lastLoss()), String.format("%.3f", metrics.temperature()),
                            String.format("%.4g", metrics.gamma()), session.version);
                    lastProgress = System.nanoTime();
                    imagesAtProgress = session.imagesTrained;
                }
            }
            // The partial batch is not trained: its records lie past the checkpointed offsets and are read again.
            if (session.stepsSinceCheckpoint > 0 || !session.pendingOffsets.isEmpty()) {
                checkpoint(session, c, producer, manager);
            }
            LOG.info("learner stopped at step {} after {} images (model version {})", trainer.stepCount(),
                    session.imagesTrained, session.version);
        } finally {
            consumer = null;
        }
    }

    /**
     * Adds a record to the batch, or sends it to the DLQ when the model cannot use it: {@value #REJECTED_BY_LEARNER}
     * for an image validation should have stopped, {@value ValidationTopology#INTERNAL_ERROR} when handling it failed
     * in any other way. Never throws for one record's sake.
     */
    private void accept(ConsumerRecord<String, byte[]> record, Batch batch, KafkaProducer<byte[], byte[]> producer) {
        TopicPartition tp = new TopicPartition(record.topic(), record.partition());
        String reason = REJECTED_BY_LEARNER;
        String problem;
        try {
            ValidationTopology.Outcome outcome = ValidationTopology.check(record.value(), strictInput);
            if (outcome instanceof ValidationTopology.Accepted accepted) {
                batch.add(record, accepted.pixels());
                return;
            }
            ValidationTopology.Rejected rejected = (ValidationTopology.Rejected) outcome;
            problem = rejected.reason() + ": " + rejected.detail();
        } catch (RuntimeException | Error e) {
            // An Error too (see ValidationTopology): the loop must go on to the next record, not die on this one.
            reason = ValidationTopology.INTERNAL_ERROR;
            problem = e.toString();
            LOG.error("handling {} at {}@{} failed", record.key(), tp, record.offset(), e);
        }
        LOG.warn("sending {} at {}@{} to the DLQ: {}", record.key(), tp, record.offset(), problem);
        Headers headers = new RecordHeaders(record.headers().toArray());
        ImageRecord.put(headers, ImageRecord.DLQ_REASON, reason);
        ImageRecord.put(headers, ImageRecord.DLQ_DETAIL, problem);
        ImageRecord.put(headers, ImageRecord.DLQ_TOPIC, record.topic());
        ImageRecord.put(headers, ImageRecord.DLQ_PARTITION, Integer.toString(record.partition()));
        ImageRecord.put(headers, ImageRecord.DLQ_OFFSET, Long.toString(record.offset()));
        String dlq = config.topics().imagesDlq().name();
        producer.send(new ProducerRecord<>(dlq, null, bytes(record.key()), record.value(), headers),
                produced.callback(dlq));
        metrics.rejected();
        batch.skip(tp, record.offset());
    }

    private void train(Batch batch, LearnerSession session, KafkaProducer<byte[], byte[]> producer) {
        if (batch.size() > 0) {
            long start = System.nanoTime();
            StepResult result = session.trainer.step(batch.images(), null, batch.size());
            metrics.step(result, batch.size(), System.nanoTime() - start);
            if (!Double.isFinite(result.totalLoss())) {
                throw new IllegalStateException("loss became " + result.totalLoss() + " at step " + result.step()
                        + "; the last checkpoint (version " + session.version + ") is intact");
            }
            publishTraining(batch, result, session, producer);
            session.imagesTrained += batch.size();
            session.stepsSinceCheckpoint++;
        }
        session.pendingOffsets.putAll(batch.nextOffsets());
        session.lastBatch = batch.size() > 0 ? batch.images().clone() : session.lastBatch;
        session.lastBatchSize = batch.size() > 0 ? batch.size() : session.lastBatchSize;
        batch.clear();
    }

    private void publishTraining(Batch batch, StepResult result, LearnerSession session,
                                 KafkaProducer<byte[], byte[]> producer) {
        SomGrid grid = session.trainer.model().som().orElseThrow().grid();
        String topic = config.topics().training().name();
        byte[] step = bytes(Long.toString(result.step()));
        for (int i = 0; i < batch.size(); i++) {
            int unit = (int) result.bmus()[i];
            Messages.Bmu bmu = new Messages.Bmu(unit, grid.row(unit), grid.col(unit), result.bmuDistances()[i],
                    session.version, batch.eventTime(i), batch.label(i), null);
            Headers headers = new RecordHeaders();
            headers.add(TRAINING_PARTITION, bytes(Integer.toString(batch.partition(i))));
            headers.add(TRAINING_OFFSET, bytes(Long.toString(batch.offset(i))));
            headers.add(TRAINING_STEP, step);
            producer.send(new ProducerRecord<>(topic, null, bytes(batch.key(i)), Messages.toJson(bmu), headers),
                    produced.callback(topic));
        }
    }

    private void checkpoint(LearnerSession session, KafkaConsumer<String, byte[]> c, KafkaProducer<byte[], byte[]> producer,
                            NDManager manager) throws IOException {
        long start = System.nanoTime();
        // Everything the checkpoint's offsets vouch for (training BMUs, DLQ records) must be durable first.
        producer.flush();
        Map<TopicPartition, Long> offsets = new LinkedHashMap<>(session.offsets);
        offsets.putAll(session.pendingOffsets);
        long version = store.nextVersion();
        ObjectNode provenance = provenance(session, offsets, version);
        Checkpoint.save(store.path(version), session.trainer, config.options().seed(), provenance);
        store.prune(config.options().keepLast());
        Map<TopicPartition, OffsetAndMetadata> commit = new HashMap<>();
        offsets.forEach((tp, offset) -> commit.put(tp, new OffsetAndMetadata(offset, "checkpoint v" + version)));
        try {
            try {
                c.commitSync(commit);
            } catch (WakeupException e) {
                // stop() wakes the consumer to end a poll; when the loop was training instead, the wakeup is
                // delivered to the final checkpoint's commit, and it is spent by now.
                c.commitSync(commit);
            }
        } catch (KafkaException e) {
            // Committed offsets only feed lag monitoring; the checkpoint already holds the truth.
            LOG.warn("committing offsets of checkpoint {} failed: {}", version, e.toString());
        }
        session.offsets.clear();
        session.offsets.putAll(offsets);
        session.rangeStart.clear();
        session.rangeStart.putAll(offsets);
        session.pendingOffsets.clear();
        session.version = version;
        session.stepsSinceCheckpoint = 0;
        session.lastCheckpoint = System.nanoTime();
        long written = System.nanoTime();
        SomLayer som = session.trainer.model().som().orElseThrow();
        float[] prototypes = som.prototypes().getArray().toFloatArray();
        TopologyMetrics.Drift drift = session.publishedPrototypes == null ? null : TopologyMetrics.prototypeDrift(
                som.distance(), session.publishedPrototypes, prototypes, som.inputDim());
        publishModel(session, version, offsets, prototypes, drift, producer, manager);
        session.publishedPrototypes = prototypes;
        if (drift != null) {
            metrics.drift(drift);
        }
        metrics.checkpoint(version, System.nanoTime() - start);
        LOG.info("checkpoint v{} at step {} ({} images) written to {} in {} ms, published in {} ms{}", version,
                session.trainer.stepCount(), session.imagesTrained, store.path(version),
                (written - start) / 1_000_000, (System.nanoTime() - written) / 1_000_000,
                drift == null ? ""
                        : String.format(" (prototype drift mean %.4g, max %.4g)", drift.mean(), drift.max()));
    }

    private ObjectNode provenance(LearnerSession session, Map<TopicPartition, Long> offsets, long version) {
        ObjectNode p = JSON.createObjectNode();
        p.put("kind", "stream");
        p.put("version", version);
        p.put("input_topic", config.topics().imagesValid().name());
        p.put("group_id", config.groupId());
        p.put("bootstrap_servers", config.kafka().bootstrapServers());
        p.put("images_trained", session.imagesTrained);
        p.put("horizon_images", config.options().horizonImages());
        p.put("horizon_epochs", config.model().totalEpochs());
        ObjectNode next = p.putObject("offsets");
        offsets.forEach((tp, offset) -> next.put(tp.toString(), offset));
        // [from, to) per partition since the previous checkpoint: what this version added to its lineage.
        ObjectNode ranges = p.putObject("ranges");
        offsets.forEach((tp, offset) -> {
            long from = session.rangeStart.getOrDefault(tp, offset);
            ArrayNode range = ranges.putArray(tp.toString());
            range.add(from);
            range.add(offset);
        });
        if (session.parentVersion > 0) {
            p.put("resumed_from_version", session.parentVersion);
        }
        if (!session.retentionSkipped.isEmpty()) {
            // Records of the lineage that were never trained: deleted by retention and skipped by policy.
            ObjectNode skipped = p.putObject("retention_skipped");
            session.retentionSkipped.forEach((tp, n) -> skipped.put(tp.toString(), n));
        }
        return p;
    }

    /**
     * Publishes the prototypes ({@code w}, {@code [units, dim]} row-major) and the model record of a version.
     *
     * @param drift movement since the previous version, or {@code null} when there is none
     */
    private void publishModel(LearnerSession session, long version, Map<TopicPartition, Long> offsets, float[] w,
                              TopologyMetrics.Drift drift, KafkaProducer<byte[], byte[]> producer,
                              NDManager manager) throws IOException {
        VitSom model = session.trainer.model();
        SomGrid grid = model.som().orElseThrow().grid();
        if (config.publishPrototypes()) {
            int units = grid.units();
            int dim = w.length / units;
            float[][] decoded = decodedPrototypes(model, session, manager);
            VitSomConfig m = config.model();
            for (int unit = 0; unit < units; unit++) {
                float[] vector = java.util.Arrays.copyOfRange(w, unit * dim, (unit + 1) * dim);
                byte[] png = decoded == null ? null : ImageCodec.encodePng(ImageCodec.fromFloats(
                        m.data().numChannels(), m.data().inputSize(), m.data().inputSize(), decoded[unit]));
                producer.send(new ProducerRecord<>(config.topics().prototypes().name(), null,
                        UNIT_KEYS.serialize(null, unit),
                        Messages.toJson(Messages.Prototype.of(unit, grid.row(unit), grid.col(unit), version, vector,
                                png))), produced.callback(config.topics().prototypes().name()));
            }
        }
        Map<String, Long> named = new TreeMap<>();
        offsets.forEach((tp, offset) -> named.put(tp.toString(), offset));
        Messages.ModelVersion record = new Messages.ModelVersion(version, session.trainer.stepCount(),
                session.imagesTrained, store.path(version).toString(), Instant.now().toString(),
                CodeVersion.describe(), config.options().seed(), grid.rows(), grid.cols(),
                grid.topology().name().toLowerCase(java.util.Locale.ROOT), named,
                drift == null ? null : drift.mean(), drift == null ? null : drift.max());
        byte[] value = Messages.toJson(record);
        Headers headers = new RecordHeaders();
        if (config.signatures().enabled()) {
            byte[] manifest = Files.readAllBytes(store.path(version).resolve(Checkpoint.MANIFEST));
            headers.add(ModelSignatures.HEADER,
                    bytes(config.signatures().sign(value, manifest)));
        }
        producer.send(new ProducerRecord<>(config.topics().models().name(), null,
                bytes(String.format("v%06d", version)), value, headers),
                produced.callback(config.topics().models().name()));
        producer.flush();
    }

    /** Prototypes decoded to images, scaled to the latent norm of the last batch; null when not decodable. */
    private static float[][] decodedPrototypes(VitSom model, LearnerSession session, NDManager manager) {
        if (model.config().som().useReduced() || session.lastBatch == null) {
            return null;
        }
        VitSomPredictor predictor = new VitSomPredictor(model, manager);
        return predictor.decodePrototypes(predictor.meanLatentNorm(session.lastBatch, session.lastBatchSize));
    }

    private static byte[] bytes(String s) {
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }
}
