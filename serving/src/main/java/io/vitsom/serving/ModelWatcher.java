package io.vitsom.serving;

import io.vitsom.model.map.MapModelConfig;
import io.vitsom.stream.KafkaClients;
import io.vitsom.stream.Messages;
import io.vitsom.stream.ModelSignatures;
import io.vitsom.stream.Topic;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the newest published model in service: a background thread reads every {@code som.models} record (all
 * partitions assigned, from the beginning, no consumer group, so every instance sees every version), and whenever a
 * version newer than the one in service appears, loads its checkpoint and swaps it in atomically. A version that
 * cannot be used (missing directory, corrupt checkpoint, another input shape than the model in service, no SOM) is
 * logged with the reason and the previous model stays in service. A version whose checkpoint failed to load (it may
 * not have reached a shared volume yet) is tried again after 1 s, 2 s, 4 s ... (at most 60 s apart) for as long as
 * it is the newest one announced; one of another input shape is not, as only a restart can change that. The input
 * shape is fixed by the first model an instance loads, because {@code images.valid} was validated for it; a
 * restarted instance starts from the newest version whatever its shape.
 *
 * <p>On start-up the watcher first catches up with the topic and then loads only the newest version (falling back
 * to older ones, newest first, while they fail), instead of loading every historical version in turn.
 *
 * <p>A model that is swapped out is released once the batches using it have closed their leases.
 *
 * <p>The watching thread never ends silently: whatever stops it before {@link #close()} is logged and kept in
 * {@link #failure()}, which serving's {@code /health} reports.
 */
public final class ModelWatcher implements ModelSource, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ModelWatcher.class);
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration METADATA_RETRY = Duration.ofSeconds(1);
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(30);
    /** First wait before loading a version that failed again; doubled per failure up to {@link #RETRY_MAX}. */
    static final Duration RETRY_INITIAL = Duration.ofSeconds(1);
    /** Longest wait between two tries of a version that fails to load. */
    static final Duration RETRY_MAX = Duration.ofSeconds(60);

    private final AtomicReference<ServingModel> current = new AtomicReference<>();
    private final CompletableFuture<Messages.ModelVersion> first = new CompletableFuture<>();
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    // Versions that failed to load: listeners hear of each once, and one announced again (under "latest" and its
    // number) is not tried again at once; the newest is retried on the back-off schedule instead.
    private final Set<Long> failed = new HashSet<>();
    private final AtomicLong loadFailures = new AtomicLong();
    private final AtomicLong untrusted = new AtomicLong();
    private final ModelTrust trust;
    private final Optional<CheckpointFetcher> fetcher;
    private volatile Throwable failure;
    /** The newest version while it fails to load; touched by the watching thread only. */
    private Retry retry;
    private final CountDownLatch closing = new CountDownLatch(1);
    private final KafkaConsumer<String, byte[]> consumer;
    private final Thread thread;
    private boolean closed;

    private ModelWatcher(KafkaConsumer<String, byte[]> consumer, String topic, ModelTrust trust,
                         Optional<CheckpointFetcher> fetcher) {
        this.consumer = consumer;
        this.trust = trust;
        this.fetcher = fetcher;
        if (consumer == null) {
            this.thread = null;
        } else {
            this.thread = new Thread(() -> watch(topic), "vitsom-model-watcher");
            this.thread.setDaemon(true);
        }
    }

    /**
     * Starts watching {@code models} in the background.
     *
     * @param clients the cluster
     * @param models the {@code som.models} topic
     */
    public static ModelWatcher start(KafkaClients clients, Topic<String, byte[]> models) {
        return start(clients, models, ModelTrust.any(), Optional.empty());
    }

    /**
     * Starts watching {@code models} in the background, loading only the checkpoints {@code trust} accepts.
     *
     * @param clients the cluster
     * @param models the {@code som.models} topic
     * @param trust which announced checkpoints may be loaded
     * @param fetcher copies announced checkpoints from the learner first, when serving has no shared disk
     */
    public static ModelWatcher start(KafkaClients clients, Topic<String, byte[]> models, ModelTrust trust,
                                     Optional<CheckpointFetcher> fetcher) {
        Objects.requireNonNull(clients, "clients");
        Objects.requireNonNull(trust, "trust");
        Objects.requireNonNull(fetcher, "fetcher");
        Objects.requireNonNull(models, "models");
        Properties props = clients.base("vitsom-serving-models");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // A topic that does not exist yet is waited for, not created with broker defaults.
        props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        // Versions of a transactional publisher count once committed.
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, models.keySerde().deserializer(),
                models.valueSerde().deserializer());
        ModelWatcher watcher = new ModelWatcher(consumer, models.name(), trust, fetcher);
        watcher.thread.start();
        return watcher;
    }

    /** A watcher without Kafka that holds no model until one is {@link #offer offered}. */
    public static ModelWatcher withoutKafka() {
        return new ModelWatcher(null, null, ModelTrust.any(), Optional.empty());
    }

    /**
     * A watcher without Kafka serving one checkpoint (for the HTTP endpoint alone and for benchmarks); its version
     * record is made from the checkpoint's metadata.
     *
     * @param version the version number to report
     * @throws IOException when the checkpoint cannot be loaded
     */
    public static ModelWatcher fixed(Path checkpoint, long version) throws IOException {
        Objects.requireNonNull(checkpoint, "checkpoint");
        ModelWatcher watcher = withoutKafka();
        watcher.swapIn(ServingModel.loadFixed(checkpoint, version));
        return watcher;
    }

    /**
     * Loads {@code version} and puts it in service if it is newer than the model in service and can be used;
     * otherwise logs why not and keeps the model in service. Called by the watching thread for every new version.
     *
     * @return whether {@code version} is now in service
     */
    public synchronized boolean offer(Messages.ModelVersion version) {
        Objects.requireNonNull(version, "version");
        return attempt(new Announcement(version, Messages.toJson(version), null), false) == Outcome.IN_SERVICE;
    }

    /** What came of one try to put a version in service. */
    private enum Outcome {
        IN_SERVICE,
        /** Not newer than the model in service (or the watcher is closed). */
        NOT_NEWER,
        /** Failed before and not retried now. */
        REFUSED_BEFORE,
        /** The checkpoint could not be loaded; it may load later. */
        LOAD_FAILED,
        /** Loaded but unusable by this instance for good. */
        UNUSABLE
    }

    /**
     * Tries to put {@code version} in service.
     *
     * @param again whether this is a retry of a version that failed, which is tried although it failed before
     */
    private synchronized Outcome attempt(Announcement announcement, boolean again) {
        Messages.ModelVersion version = announcement.version();
        ServingModel serving = current.get();
        if (closed || (serving != null && version.version() <= serving.version().version())) {
            return Outcome.NOT_NEWER;
        }
        if (!again && failed.contains(version.version())) {
            return Outcome.REFUSED_BEFORE;
        }
        ServingModel loaded;
        try {
            Messages.ModelVersion local = fetcher.isEmpty() ? version
                    : version.withCheckpoint(fetcher.get().fetch(version.checkpoint()).toString());
            trust.check(local.checkpoint(), announcement.value(), announcement.signature());
            loaded = ServingModel.load(local);
        } catch (UntrustedModelException e) {
            untrusted.incrementAndGet();
            refuse(version, e.reason() + ": " + e.getMessage());
            return Outcome.UNUSABLE;
        } catch (IOException | RuntimeException e) {
            loadFailures.incrementAndGet();
            refuse(version, e.getMessage());
            return Outcome.LOAD_FAILED;
        }
        if (serving != null && !sameInput(serving.config(), loaded.config())) {
            loaded.retire();
            refuse(version, "it reads " + loaded.validation().shape() + " images but the model in service reads "
                    + serving.validation().shape() + " and images.valid was validated for that; restart serving to"
                    + " change the input shape");
            return Outcome.UNUSABLE;
        }
        swapIn(loaded);
        return Outcome.IN_SERVICE;
    }

    private void refuse(Messages.ModelVersion version, String reason) {
        boolean first = failed.add(version.version());
        LOG.warn("model version {} ({}) not loaded, {}: {}", version.version(), version.checkpoint(),
                current().map(v -> "keeping version " + v.version()).orElse("still no model in service"), reason);
        if (first) {
            for (Listener listener : listeners) {
                notify(listener, version, () -> listener.refused(version, reason));
            }
        }
    }

    /** Announced models refused for good as untrusted ({@link UntrustedModelException}) since start. */
    public long untrustedModels() {
        return untrusted.get();
    }

    /** Checkpoint loads that failed since start, retries included. */
    public long loadFailures() {
        return loadFailures.get();
    }

    /**
     * Why the watching thread stopped before {@link #close()}, if it did; no newer model is loaded after that. Empty
     * while it runs, after a normal close, and for a watcher without Kafka.
     */
    public Optional<Throwable> failure() {
        return Optional.ofNullable(failure);
    }

    private static boolean sameInput(MapModelConfig a, MapModelConfig b) {
        return a.numChannels() == b.numChannels() && a.inputSize() == b.inputSize();
    }

    private synchronized void swapIn(ServingModel model) {
        ServingModel previous = current.getAndSet(model);
        if (previous != null) {
            previous.retire();
        }
        Messages.ModelVersion version = model.version();
        LOG.info("serving model version {} (step {}, {}x{} map, {})", version.version(), version.step(),
                model.grid().rows(), model.grid().cols(), version.checkpoint());
        first.complete(version);
        for (Listener listener : listeners) {
            notify(listener, version, () -> listener.inService(version));
        }
    }

    private static void notify(Listener listener, Messages.ModelVersion version, Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            // One broken listener must not keep the others, or the watcher, from seeing later versions.
            LOG.error("model listener {} failed on version {}", listener, version.version(), e);
        }
    }

    /**
     * Calls {@code listener} for every version put in service or refused from now on, on the thread that handled
     * it; when a model is in service already, {@link Listener#inService} is called with it before this method
     * returns.
     */
    public synchronized void addListener(Listener listener) {
        Objects.requireNonNull(listener, "listener");
        listeners.add(listener);
        current().ifPresent(version -> notify(listener, version, () -> listener.inService(version)));
    }

    /** Hears about model versions; called with the watcher's lock held, so it must not block for long. */
    @FunctionalInterface
    public interface Listener {
        /** {@code version} is now in service. */
        void inService(Messages.ModelVersion version);

        /**
         * {@code version} was announced but could not be used; the model in service (if any) stays. Called once per
         * version, also when it is tried again later (and then maybe put in service).
         */
        default void refused(Messages.ModelVersion version, String reason) {
        }
    }

    @Override
    public Optional<ServingModel.Lease> acquire() {
        while (true) {
            ServingModel model = current.get();
            if (model == null) {
                return Optional.empty();
            }
            if (model.retain()) {
                return Optional.of(new ServingModel.Lease(model));
            }
            // Swapped out and released between get() and retain(): the next get() sees its successor.
        }
    }

    @Override
    public Optional<Messages.ModelVersion> current() {
        return Optional.ofNullable(current.get()).map(ServingModel::version);
    }

    /**
     * Waits until a model is in service.
     *
     * @return the version in service, or empty when none arrived within {@code timeout}
     */
    public Optional<Messages.ModelVersion> awaitFirst(Duration timeout) throws InterruptedException {
        Objects.requireNonNull(timeout, "timeout");
        try {
            first.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return current();
        } catch (TimeoutException e) {
            return Optional.empty();
        } catch (ExecutionException e) {
            throw new IllegalStateException("the first-model future is only ever completed normally", e);
        }
    }

    /** Stops watching and releases the model in service once its leases are closed. Idempotent. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        if (thread != null) {
            closing.countDown();
            consumer.wakeup();
            try {
                thread.join(CLOSE_WAIT.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (thread.isAlive()) {
                LOG.warn("the model watcher thread did not stop within {}", CLOSE_WAIT);
            }
        }
        synchronized (this) {
            ServingModel model = current.getAndSet(null);
            if (model != null) {
                model.retire();
            }
        }
    }

    private void watch(String topic) {
        try (consumer) {
            List<TopicPartition> partitions = awaitPartitions(topic);
            if (partitions.isEmpty()) {
                return;
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> catchUpTo = new HashMap<>(consumer.endOffsets(partitions));
            LOG.info("waiting for model versions on {}", topic);
            NavigableMap<Long, Announcement> pending = new TreeMap<>();
            while (closing.getCount() > 0) {
                ConsumerRecords<String, byte[]> records = consumer.poll(POLL);
                for (ConsumerRecord<String, byte[]> record : records) {
                    parse(record).ifPresent(a -> pending.put(a.version().version(), a));
                }
                catchUpTo.entrySet().removeIf(end -> consumer.position(end.getKey()) >= end.getValue());
                if (catchUpTo.isEmpty()) {
                    if (!pending.isEmpty()) {
                        loadNewest(pending);
                        pending.clear();
                    }
                    retryIfDue();
                }
            }
        } catch (WakeupException e) {
            if (closing.getCount() > 0) {
                died(e);
            }
        } catch (RuntimeException | Error e) {
            // Errors too: a thread that ends must say so, or /health would report a watcher that no longer watches.
            died(e);
        } finally {
            if (closing.getCount() > 0 && failure == null) {
                died(new IllegalStateException("the model watcher stopped before it was closed"));
            }
        }
    }

    private void died(Throwable e) {
        failure = e;
        LOG.error("model watcher stopped; no newer model will be loaded", e);
    }

    /** The topic's partitions, waiting while it does not exist yet; empty when closed meanwhile. */
    private List<TopicPartition> awaitPartitions(String topic) {
        boolean logged = false;
        while (closing.getCount() > 0) {
            List<PartitionInfo> infos;
            try {
                infos = consumer.partitionsFor(topic, METADATA_RETRY.multipliedBy(5));
            } catch (org.apache.kafka.common.errors.TimeoutException e) {
                infos = List.of();
            }
            if (infos != null && !infos.isEmpty()) {
                List<TopicPartition> partitions = new ArrayList<>();
                for (PartitionInfo info : infos) {
                    partitions.add(new TopicPartition(topic, info.partition()));
                }
                return partitions;
            }
            if (!logged) {
                LOG.info("topic {} does not exist yet (or the cluster does not answer); retrying", topic);
                logged = true;
            }
            try {
                closing.await(METADATA_RETRY.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return List.of();
            }
        }
        return List.of();
    }

    private static Optional<Announcement> parse(ConsumerRecord<String, byte[]> record) {
        if (record.value() == null) {
            // A tombstone deletes a key; it announces nothing.
            return Optional.empty();
        }
        try {
            Header signature = record.headers().lastHeader(ModelSignatures.HEADER);
            return Optional.of(new Announcement(Messages.fromJson(record.value(), Messages.ModelVersion.class),
                    record.value(), signature == null || signature.value() == null ? null
                            : new String(signature.value(), StandardCharsets.UTF_8)));
        } catch (IllegalArgumentException e) {
            LOG.warn("skipping record {} at {}-{}@{}: {}", record.key(), record.topic(), record.partition(),
                    record.offset(), e.getMessage());
            return Optional.empty();
        }
    }

    /**
     * Tries the pending versions newest first until one is put in service or none is newer than the current one. A
     * newest one that fails to load is scheduled for a retry (replacing the retry of an older one).
     */
    private void loadNewest(NavigableMap<Long, Announcement> pending) {
        Announcement newest = pending.lastEntry().getValue();
        if (retry != null && newest.version().version() > retry.announcement().version().version()) {
            retry = null;
        }
        for (Announcement version : pending.descendingMap().values()) {
            if (closing.getCount() == 0) {
                return;
            }
            Outcome outcome = attempt(version, false);
            if (outcome == Outcome.LOAD_FAILED && version == newest) {
                scheduleRetry(version, 1);
            }
            if (outcome == Outcome.IN_SERVICE || outcome == Outcome.NOT_NEWER) {
                return;
            }
        }
    }

    /** Tries the failed newest version again once its back-off has passed, while it is newer than the current one. */
    private void retryIfDue() {
        if (retry == null || System.nanoTime() - retry.dueNanos() < 0 || closing.getCount() == 0) {
            return;
        }
        Retry due = retry;
        retry = null;
        Outcome outcome = attempt(due.announcement(), true);
        if (outcome == Outcome.LOAD_FAILED) {
            scheduleRetry(due.announcement(), due.attempt() + 1);
        } else if (outcome == Outcome.IN_SERVICE) {
            LOG.info("model version {} loaded at try {}", due.announcement().version().version(), due.attempt() + 1);
        }
    }

    private void scheduleRetry(Announcement announcement, int attempt) {
        Duration delay = Backoff.exponential(RETRY_INITIAL, RETRY_MAX, attempt);
        retry = new Retry(announcement, attempt, System.nanoTime() + delay.toNanos());
        LOG.info("trying model version {} again in {} s", announcement.version().version(), delay.toSeconds());
    }

    /**
     * The next try of a version that failed to load.
     *
     * @param attempt how many retries this one is (1 for the first)
     */
    private record Retry(Announcement announcement, int attempt, long dueNanos) {
    }

    /**
     * A version as announced on {@code som.models}: the parsed record, its value as signed, and its signature header.
     *
     * @param signature the {@value ModelSignatures#HEADER} header, or {@code null}
     */
    private record Announcement(Messages.ModelVersion version, byte[] value, String signature) {
    }
}
