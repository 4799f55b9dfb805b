package io.vitsom.learner;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
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
import io.vitsom.model.train.StreamingSchedule;
import io.vitsom.model.train.VitSomTrainer;
import io.vitsom.stream.ImageRecord;
import io.vitsom.stream.Messages;
import io.vitsom.stream.ModelSignatures;
import io.vitsom.stream.ValidationConfig;
import io.vitsom.stream.ValidationTopology;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetOutOfRangeException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.IntegerSerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
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
        try (NDManager manager = NDManager.newBaseManager(device(config.options().device()))) {
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
            Session session = restoreOrCreate(manager);
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

    private void consume(NDManager manager, Session session) throws IOException {
        VitSomConfig modelConfig = config.model();
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(consumerProps());
             KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProps());
             VitSomTrainer trainer = session.trainer) {
            consumer = c;
            if (stopping) {
                return;
            }
            List<TopicPartition> partitions = inputPartitions(c);
            assign(c, partitions, session);
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
                    retentionGap(c, e.offsetOutOfRangePartitions(), session);
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
                    List<TopicPartition> now = inputPartitions(c);
                    if (!c.assignment().containsAll(now)) {
                        LOG.info("input partitions changed from {} to {}", c.assignment(), now);
                        assign(c, now, session);
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

    private void train(Batch batch, Session session, KafkaProducer<byte[], byte[]> producer) {
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

    private void publishTraining(Batch batch, StepResult result, Session session,
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

    private void checkpoint(Session session, KafkaConsumer<String, byte[]> c, KafkaProducer<byte[], byte[]> producer,
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

    private ObjectNode provenance(Session session, Map<TopicPartition, Long> offsets, long version) {
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
    private void publishModel(Session session, long version, Map<TopicPartition, Long> offsets, float[] w,
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
    private static float[][] decodedPrototypes(VitSom model, Session session, NDManager manager) {
        if (model.config().som().useReduced() || session.lastBatch == null) {
            return null;
        }
        VitSomPredictor predictor = new VitSomPredictor(model, manager);
        return predictor.decodePrototypes(predictor.meanLatentNorm(session.lastBatch, session.lastBatchSize));
    }

    /**
     * Reads {@code partitions}: one already being read from where it is, any other from its checkpointed offset, or
     * from its beginning when the checkpoint does not know it (a fresh model, or a partition added since).
     */
    private void assign(KafkaConsumer<String, byte[]> c, List<TopicPartition> partitions, Session session) {
        // Positions of the partitions read so far: re-seeking them to the checkpoint would train records twice.
        Map<TopicPartition, Long> reading = new HashMap<>();
        for (TopicPartition tp : c.assignment()) {
            reading.put(tp, c.position(tp));
        }
        Map<TopicPartition, Long> targets = new HashMap<>();
        List<TopicPartition> fromBeginning = new ArrayList<>();
        for (TopicPartition tp : partitions) {
            Long at = reading.containsKey(tp) ? reading.get(tp) : session.offsets.get(tp);
            if (at != null) {
                targets.put(tp, at);
            } else {
                fromBeginning.add(tp);
            }
        }
        // Compared before seeking, because a restart after a long stop is exactly when checkpointed offsets have
        // fallen out of retention; while running, the consumer raises the gap itself (auto.offset.reset=none).
        Map<TopicPartition, Long> beginnings = c.beginningOffsets(targets.keySet());
        Map<TopicPartition, Long> gone = new HashMap<>();
        targets.forEach((tp, at) -> {
            if (at < beginnings.getOrDefault(tp, 0L)) {
                gone.put(tp, at);
            }
        });
        c.assign(partitions);
        targets.forEach(c::seek);
        if (!gone.isEmpty()) {
            retentionGap(c, gone, session);
        }
        if (fromBeginning.isEmpty()) {
            return; // seekToBeginning of no partitions means all of them
        }
        // Every partition has its position set before any is asked for: with auto.offset.reset=none, position()
        // of one partition fails while another still has none.
        c.seekToBeginning(fromBeginning);
        for (TopicPartition tp : fromBeginning) {
            long beginning = c.position(tp);
            session.rangeStart.put(tp, beginning);
            // The next checkpoint names every input partition, also one no record has been read from yet
            // (a consumer may fetch one partition for a while before the other).
            session.offsets.put(tp, beginning);
        }
    }

    /**
     * Checkpointed offsets that retention deleted before the learner read them ({@code auto.offset.reset=none}
     * makes the consumer say so instead of jumping silently). {@link LearnerOptions.RetentionGapPolicy#FAIL}: stop,
     * naming what is lost; {@code SKIP}: go on from the oldest record left, counting the lost ones in a metric and in
     * the next checkpoint's provenance.
     */
    private void retentionGap(KafkaConsumer<String, byte[]> c, Map<TopicPartition, Long> wanted, Session session) {
        Map<TopicPartition, Long> beginnings = c.beginningOffsets(wanted.keySet());
        StringBuilder lost = new StringBuilder();
        for (Map.Entry<TopicPartition, Long> e : wanted.entrySet()) {
            long beginning = beginnings.getOrDefault(e.getKey(), e.getValue());
            lost.append(lost.isEmpty() ? "" : ", ").append(e.getKey()).append(": offsets ").append(e.getValue())
                    .append("..").append(beginning - 1).append(" (").append(beginning - e.getValue())
                    .append(" records)");
        }
        if (config.options().onRetentionGap() == LearnerOptions.RetentionGapPolicy.FAIL) {
            throw new KafkaException("records the learner has not trained yet were deleted by retention of "
                    + config.topics().imagesValid().name() + " (" + lost + "); restart with --on-retention-gap skip "
                    + "to continue from the oldest record left, counting the lost ones");
        }
        LOG.warn("skipping records deleted by retention before they were trained: {}", lost);
        for (Map.Entry<TopicPartition, Long> e : wanted.entrySet()) {
            long beginning = beginnings.getOrDefault(e.getKey(), e.getValue());
            long skipped = Math.max(0, beginning - e.getValue());
            session.retentionSkipped.merge(e.getKey(), skipped, Long::sum);
            metrics.retentionSkipped(e.getKey().toString(), skipped);
            c.seek(e.getKey(), beginning);
            // The checkpoint's range starts where training resumed: the gap is recorded, not claimed as trained.
            session.pendingOffsets.put(e.getKey(), beginning);
            session.rangeStart.put(e.getKey(), beginning);
        }
    }

    private Session restoreOrCreate(NDManager manager) throws IOException {
        VitSomConfig m = config.model();
        StreamingSchedule schedule = StreamingSchedule.of(m, config.options().horizonImages());
        int incomplete = store.removeIncomplete();
        if (incomplete > 0) {
            LOG.info("removed {} incomplete checkpoint write(s) left by an earlier crash in {}", incomplete, store.dir());
        }
        List<String> unreadable = new ArrayList<>();
        Optional<CheckpointStore.Found> found = store.loadNewestValid(manager, unreadable);
        if (found.isPresent()) {
            Checkpoint.Loaded loaded = found.get().checkpoint();
            if (!sameArchitecture(loaded.config(), m)) {
                throw new IllegalArgumentException("checkpoint " + store.path(found.get().version())
                        + " holds a model of another architecture than the config; use another --checkpoint-dir");
            }
            VitSomTrainer trainer = new VitSomTrainer(loaded.model(), manager, schedule);
            loaded.restore(trainer);
            Session s = new Session(trainer, found.get().version());
            JsonNode p = loaded.metadata().provenance();
            p.path("offsets").properties().forEach(e -> s.offsets.put(parse(e.getKey()), e.getValue().asLong()));
            s.rangeStart.putAll(s.offsets);
            s.imagesTrained = p.path("images_trained").asLong();
            p.path("retention_skipped").properties()
                    .forEach(e -> s.retentionSkipped.put(parse(e.getKey()), e.getValue().asLong()));
            s.parentVersion = found.get().version();
            // The version published from this checkpoint is the one the next version's drift is measured from.
            s.publishedPrototypes = loaded.model().som().orElseThrow().prototypes().getArray().toFloatArray();
            LOG.info("resuming from checkpoint {} (step {}, {} images)", store.path(found.get().version()),
                    loaded.metadata().step(), s.imagesTrained);
            return s;
        }
        if (!unreadable.isEmpty() && !config.options().allowFreshStart()) {
            // Starting fresh here would publish a new model as the newest version and later prune the good ones
            // that, say, a permission fix would make readable again.
            throw new IllegalStateException("the checkpoint directory " + store.dir() + " holds " + unreadable.size()
                    + " version(s) and none loads (" + String.join("; ", unreadable) + "); fix or move them, or "
                    + "pass --allow-fresh-start to start a fresh model beside them");
        }
        if (config.options().initFrom().isPresent()) {
            return warmStart(config.options().initFrom().get(), schedule, manager);
        }
        Engine.getInstance().setRandomSeed((int) config.options().seed());
        VitSom model = VitSom.builder().setConfig(m).build();
        model.initialize(manager);
        LOG.info("no checkpoint in {}: starting a fresh model (seed {})", store.dir(), config.options().seed());
        return new Session(new VitSomTrainer(model, manager, schedule), 0);
    }

    /**
     * Starts from a checkpoint outside the store (e.g. an offline bench model). Its step count is kept, so the
     * schedules continue where that training left them instead of re-heating the map; without optimizer state
     * AdamW starts fresh. No offsets: the input is read from the beginning.
     */
    private Session warmStart(Path from, StreamingSchedule schedule, NDManager manager) throws IOException {
        Checkpoint.Loaded loaded = Checkpoint.load(from, manager);
        if (!sameArchitecture(loaded.config(), config.model())) {
            throw new IllegalArgumentException("--init-from " + from + " holds a model of another architecture than "
                    + "the config");
        }
        VitSomTrainer trainer = new VitSomTrainer(loaded.model(), manager, schedule);
        if (loaded.moments().isEmpty()) {
            trainer.setStepCount(loaded.metadata().step());
        } else {
            loaded.restore(trainer);
        }
        Session s = new Session(trainer, 0);
        s.publishedPrototypes = loaded.model().som().orElseThrow().prototypes().getArray().toFloatArray();
        LOG.info("no checkpoint in {}: starting from {} (step {}{})", store.dir(), from, loaded.metadata().step(),
                loaded.moments().isEmpty() ? ", no optimizer state: AdamW starts fresh" : "");
        return s;
    }

    private static boolean sameArchitecture(VitSomConfig a, VitSomConfig b) {
        return a.som().equals(b.som()) && a.vit().equals(b.vit()) && a.data().numChannels() == b.data().numChannels()
                && a.data().inputSize() == b.data().inputSize() && a.modelArch().equals(b.modelArch());
    }

    /**
     * The input topic's partitions as the cluster has them now. Asked through the consumer's metadata, which it
     * refreshes at most every {@code metadata.max.age.ms} (set short in {@link #consumerProps()} so that added
     * partitions are seen within a minute).
     */
    private List<TopicPartition> inputPartitions(KafkaConsumer<String, byte[]> c) {
        String topic = config.topics().imagesValid().name();
        List<PartitionInfo> infos = c.partitionsFor(topic, Duration.ofSeconds(30));
        if (infos == null || infos.isEmpty()) {
            throw new KafkaException("topic " + topic + " has no partitions on " + config.kafka().bootstrapServers());
        }
        List<TopicPartition> partitions = new ArrayList<>();
        for (PartitionInfo info : infos) {
            partitions.add(new TopicPartition(topic, info.partition()));
        }
        partitions.sort(java.util.Comparator.comparingInt(TopicPartition::partition));
        return partitions;
    }

    private Properties consumerProps() {
        Properties props = config.kafka().base("vitsom-learner");
        props.put(ConsumerConfig.GROUP_ID_CONFIG, config.groupId());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // Every position is set explicitly (checkpoint or beginning); one that is gone must be an error, not a jump.
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none");
        props.put(ConsumerConfig.METADATA_MAX_AGE_CONFIG, (int) Math.min(partitionCheckEvery.toMillis(), 30_000));
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Math.max(64, config.model().batchSize() * 2));
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        return props;
    }

    private Properties producerProps() {
        Properties props = config.kafka().base("vitsom-learner-out");
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        return props;
    }

    static Device device(String name) {
        Engine engine = Engine.getInstance();
        return switch (name) {
            case "cpu" -> Device.cpu();
            case "gpu" -> {
                if (engine.getGpuCount() == 0) {
                    throw new IllegalArgumentException("--device gpu: the " + engine.getEngineName() + " engine "
                            + engine.getVersion() + " sees no GPU (Maven Central ships CPU libtorch only; see README)");
                }
                yield Device.gpu();
            }
            default -> engine.defaultDevice();
        };
    }

    static TopicPartition parse(String topicPartition) {
        int dash = topicPartition.lastIndexOf('-');
        if (dash <= 0) {
            throw new IllegalArgumentException("not a topic-partition: " + topicPartition);
        }
        return new TopicPartition(topicPartition.substring(0, dash),
                Integer.parseInt(topicPartition.substring(dash + 1)));
    }

    private static byte[] bytes(String s) {
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }

    /** Mutable training state of one run of the loop; confined to the learner thread. */
    private static final class Session {
        final VitSomTrainer trainer;
        final Map<TopicPartition, Long> offsets = new LinkedHashMap<>();
        final Map<TopicPartition, Long> rangeStart = new LinkedHashMap<>();
        final Map<TopicPartition, Long> pendingOffsets = new LinkedHashMap<>();
        /** Records per partition deleted by retention before they were read, skipped by policy (cumulative). */
        final Map<TopicPartition, Long> retentionSkipped = new LinkedHashMap<>();
        long version;
        long parentVersion;
        long imagesTrained;
        long stepsSinceCheckpoint;
        long lastCheckpoint = System.nanoTime();
        float[] lastBatch;
        int lastBatchSize;
        /** Prototypes of the last published version ({@code [units, dim]}), null before the first. */
        float[] publishedPrototypes;

        Session(VitSomTrainer trainer, long version) {
            this.trainer = trainer;
            this.version = version;
        }

        boolean checkpointDue(LearnerOptions c) {
            if (stepsSinceCheckpoint == 0) {
                return false;
            }
            boolean bySteps = c.checkpointEverySteps() > 0 && stepsSinceCheckpoint >= c.checkpointEverySteps();
            boolean byTime = !c.checkpointEvery().isZero()
                    && System.nanoTime() - lastCheckpoint >= c.checkpointEvery().toNanos();
            return bySteps || byTime;
        }
    }

}
