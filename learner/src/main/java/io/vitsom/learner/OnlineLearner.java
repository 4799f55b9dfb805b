package io.vitsom.learner;

import ai.djl.ndarray.NDManager;
import io.vitsom.learner.novel.NovelHeaders;
import io.vitsom.model.adapt.ContinualTrainer;
import io.vitsom.model.map.MapModelConfig;
import io.vitsom.model.drift.DriftEvent;
import io.vitsom.model.train.StepResult;
import io.vitsom.stream.ImageRecord;
import io.vitsom.stream.Messages;
import io.vitsom.stream.ValidationConfig;
import io.vitsom.stream.ValidationTopology;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetOutOfRangeException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains the config's map model online on the valid-image topic: forms mini-batches, runs the training step,
 * checkpoints model, optimizer, schedule position and consumed offsets together, and publishes what it learned.
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
 * <p>Continual learning: each step goes through a {@link ContinualTrainer} (quarantine, rehearsal from a reservoir
 * when the feed is slower than the learner, drift detection on the map's signals and the plasticity answer, upkeep,
 * a shadow map), the same code {@code bench-drift} measures. Rehearsed images are not records: only fresh records
 * move offsets and appear on {@code som.training}; quarantined records go to {@code images.novel} instead.
 *
 * <p>This class is the loop; its parts are the {@link CheckpointLock} on the store, the {@link CheckpointRestorer}
 * (where training starts), the {@link InputPositions} (where reading starts, retention gaps, added partitions), the
 * {@link CheckpointWriter}, the {@link LearnerPublisher} (everything written to Kafka), the {@link ProduceMonitor}
 * (every produce checked), {@link LearnerClients} (client settings, device) and the {@link ShadowControl} requests.
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
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration PROGRESS_EVERY = Duration.ofSeconds(10);
    /** How often the learner looks for partitions added to its input while it runs. */
    static final Duration PARTITION_CHECK_EVERY = Duration.ofSeconds(30);

    private final LearnerConfig config;
    private final LearnerMetrics metrics;
    private final CheckpointStore store;
    private final ProduceMonitor produced;
    private final InputPositions input;
    private final CheckpointWriter checkpoints;
    private final ShadowControl shadowControl = new ShadowControl();
    private volatile Duration partitionCheckEvery = PARTITION_CHECK_EVERY;
    /** The model's input, exactly: what validation let through must still fit the model being trained. */
    private final ValidationConfig strictInput;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean stopping;
    private volatile KafkaConsumer<String, byte[]> consumer;
    private volatile State state = State.NEW;
    private volatile Throwable failure;
    /** Fresh images trained, for other threads (events written by the status server). */
    private volatile long freshImagesTrained;

    /** Life cycle, for health checks. */
    public enum State { NEW, STARTING, RUNNING, STOPPED, FAILED }

    public OnlineLearner(LearnerConfig config, LearnerMetrics metrics) {
        this.config = Objects.requireNonNull(config, "config");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.store = new CheckpointStore(config.checkpointDir());
        this.strictInput = ValidationConfig.strict(config.model());
        this.produced = new ProduceMonitor(metrics);
        this.input = new InputPositions(config, metrics);
        this.checkpoints = new CheckpointWriter(config, store, metrics);
    }

    /** Fresh images trained so far (0 before the loop restored its checkpoint). */
    public long freshImagesTrained() {
        return freshImagesTrained;
    }

    /** The newest published model version (0 before the first checkpoint). */
    public long modelVersion() {
        return metrics.modelVersion();
    }

    /** Requests to start or promote the shadow map, carried out by the loop between steps. */
    public ShadowControl shadowControl() {
        return shadowControl;
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
            consume(session);
        }
    }

    private void consume(LearnerSession session) throws IOException {
        MapModelConfig modelConfig = config.model();
        int minimumFresh = config.options().adaptation().rehearsal().minimumFresh(modelConfig.batchSize());
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(LearnerClients.consumer(config, partitionCheckEvery));
             KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(LearnerClients.producer(config));
             ContinualTrainer learner = session.learner) {
            consumer = c;
            if (stopping) {
                return;
            }
            LearnerPublisher publisher = new LearnerPublisher(config, producer, produced, metrics);
            List<TopicPartition> partitions = input.partitions(c);
            input.assign(c, partitions, session);
            LOG.info("learner reading {} from {} (model version {}, step {}, {} images trained so far)",
                    partitions, session.offsets.isEmpty() ? "the beginning" : "checkpointed offsets " + session.offsets,
                    session.version, session.trainer().stepCount(), session.imagesTrained);
            state = State.RUNNING;
            Batch batch = new Batch(modelConfig);
            Progress progress = new Progress(session);
            long lastPartitionCheck = System.nanoTime();
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
                    accept(record, batch, publisher);
                    if (batch.full()) {
                        train(batch, session, publisher);
                    }
                }
                // With rehearsal a batch need not wait to be full: the reservoir fills it, so the map trains at the
                // learner's speed instead of the feed's (every batch keeps its share of fresh images).
                if (!batch.isEmpty() && (batch.size() >= minimumFresh
                        || batch.waited().compareTo(config.options().batchTimeout()) >= 0)) {
                    train(batch, session, publisher);
                }
                shadowControl.serve(session, publisher);
                if (session.checkpointDue(config.options())) {
                    checkpoints.write(session, c, publisher);
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
                progress.maybeReport(publisher);
            }
            // The partial batch is not trained: its records lie past the checkpointed offsets and are read again.
            if (session.stepsSinceCheckpoint > 0 || !session.pendingOffsets.isEmpty()) {
                checkpoints.write(session, c, publisher);
            }
            LOG.info("learner stopped at step {} after {} images (model version {})", session.trainer().stepCount(),
                    session.imagesTrained, session.version);
        } finally {
            consumer = null;
            shadowControl.close();
        }
    }

    /**
     * Adds a record to the batch, or sends it to the DLQ when the model cannot use it: {@value #REJECTED_BY_LEARNER}
     * for an image validation should have stopped, {@value ValidationTopology#INTERNAL_ERROR} when handling it failed
     * in any other way. Never throws for one record's sake.
     */
    private void accept(ConsumerRecord<String, byte[]> record, Batch batch, LearnerPublisher publisher) {
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
        publisher.deadLetter(record, reason, problem);
        metrics.rejected();
        batch.skip(tp, record.offset());
    }

    private void train(Batch batch, LearnerSession session, LearnerPublisher publisher) {
        if (batch.size() > 0) {
            long start = System.nanoTime();
            boolean[] released = new boolean[batch.size()];
            for (int i = 0; i < batch.size(); i++) {
                released[i] = ImageRecord.get(batch.record(i).headers(), NovelHeaders.RELEASED).isPresent();
            }
            ContinualTrainer.Outcome outcome = session.learner.train(batch.pixels(), batch.size(), released);
            publisher.novel(batch, outcome, session.version);
            metrics.novel(outcome.novel().size());
            StepResult result = outcome.step();
            if (result != null) {
                int n = outcome.trained().length;
                metrics.step(result, n + outcome.rehearsed(), System.nanoTime() - start);
                metrics.trained(n, outcome.rehearsed());
                if (!Double.isFinite(result.totalLoss())) {
                    throw new IllegalStateException("loss became " + result.totalLoss() + " at step " + result.step()
                            + "; the last checkpoint (version " + session.version + ") is intact");
                }
                publisher.training(batch, outcome, session.trainer().map().grid(),
                        session.version);
                session.imagesTrained += n;
                session.stepsSinceCheckpoint++;
                freshImagesTrained = session.learner.freshImages();
            }
            for (DriftEvent e : outcome.events()) {
                publisher.drift(e, session.version);
            }
            if (outcome.reseeded() > 0) {
                metrics.reseeded(outcome.reseeded());
                publisher.event(ShadowControl.event("units-reseeded", outcome.reseeded(), session,
                        outcome.reseeded() + " dead unit(s) re-seeded from high-error images"));
            }
            if (outcome.shadowAction() != null) {
                publisher.event(ShadowControl.event("shadow-" + outcome.shadowAction(), null, session,
                        "shadow map " + outcome.shadowAction() + " by rule"));
            }
        }
        session.pendingOffsets.putAll(batch.nextOffsets());
        batch.clear();
    }

    /** The progress line and the continual-learning state, every {@link #PROGRESS_EVERY}. */
    private final class Progress {
        private final LearnerSession session;
        private long last = System.nanoTime();
        private long fresh;
        private long rehearsed;

        Progress(LearnerSession session) {
            this.session = session;
            this.fresh = session.learner.freshImages();
            this.rehearsed = session.learner.rehearsedImages();
        }

        void maybeReport(LearnerPublisher publisher) {
            long now = System.nanoTime();
            if (now - last < PROGRESS_EVERY.toNanos()) {
                return;
            }
            double seconds = (now - last) / 1e9;
            ContinualTrainer l = session.learner;
            double freshRate = (l.freshImages() - fresh) / seconds;
            double rehearsedRate = (l.rehearsedImages() - rehearsed) / seconds;
            LOG.info("step {} | {} images trained | {} fresh + {} rehearsed img/s | loss {} | T {} | lr {} | "
                            + "plasticity {} | version {}",
                    session.trainer().stepCount(), session.imagesTrained, String.format("%.1f", freshRate),
                    String.format("%.1f", rehearsedRate), String.format("%.4f", metrics.lastLoss()),
                    String.format("%.3f", metrics.temperature()), String.format("%.3g", metrics.learningRate()),
                    String.format("%.2f", l.plasticityLevel()), session.version);
            Messages.MapQuality liveQuality = new Messages.MapQuality(l.liveQuantizationError(),
                    l.liveTopographicError());
            Messages.MapQuality shadowQuality = l.shadow().isEmpty() ? null : new Messages.MapQuality(
                    l.shadowQuantizationError(), l.shadowTopographicError());
            publisher.learning(new Messages.LearningState(Instant.now().toString(), session.version,
                    session.trainer().stepCount(), l.freshImages(), l.rehearsedImages(), freshRate, rehearsedRate,
                    l.reservoirSize(), l.plasticityLevel(), metrics.temperature(), metrics.learningRate(),
                    l.novelImages(), l.detections(), l.reseededUnits(), l.monitor().armed(), liveQuality,
                    shadowQuality));
            metrics.learning(new LearnerMetrics.ContinualTrainerView(freshRate, rehearsedRate, l.reservoirSize(),
                    l.plasticityLevel(), l.monitor().armed(), l.shadow().isPresent(), l.liveQuantizationError(),
                    l.liveTopographicError(), l.shadowQuantizationError(), l.shadowTopographicError()));
            last = now;
            fresh = l.freshImages();
            rehearsed = l.rehearsedImages();
        }
    }
}
