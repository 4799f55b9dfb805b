package io.vitsom.serving;

import io.vitsom.model.config.VitSomConfig;
import io.vitsom.stream.KafkaClients;
import io.vitsom.stream.Messages;
import io.vitsom.stream.Topic;
import java.io.IOException;
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
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the newest published model in service: a background thread reads every {@code som.models} record (all
 * partitions assigned, from the beginning, no consumer group, so every instance sees every version), and whenever a
 * version newer than the one in service appears, loads its checkpoint and swaps it in atomically. A version that
 * cannot be used (missing directory, corrupt checkpoint, another input shape than the model in service, no SOM) is
 * logged with the reason and the previous model stays in service. The input shape is fixed by the first model an
 * instance loads, because {@code images.valid} was validated for it; a restarted instance starts from the newest
 * version whatever its shape.
 *
 * <p>On start-up the watcher first catches up with the topic and then loads only the newest version (falling back
 * to older ones, newest first, while they fail), instead of loading every historical version in turn.
 *
 * <p>A model that is swapped out is released once the batches using it have closed their leases.
 */
public final class ModelWatcher implements ModelSource, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ModelWatcher.class);
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration METADATA_RETRY = Duration.ofSeconds(1);
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(30);

    private final AtomicReference<ServingModel> current = new AtomicReference<>();
    private final CompletableFuture<Messages.ModelVersion> first = new CompletableFuture<>();
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    // Versions that failed to load are not retried when they are announced again (under "latest" and their number).
    private final Set<Long> failed = new HashSet<>();
    private final CountDownLatch closing = new CountDownLatch(1);
    private final KafkaConsumer<String, byte[]> consumer;
    private final Thread thread;
    private boolean closed;

    private ModelWatcher(KafkaConsumer<String, byte[]> consumer, String topic) {
        this.consumer = consumer;
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
        Objects.requireNonNull(clients, "clients");
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
        ModelWatcher watcher = new ModelWatcher(consumer, models.name());
        watcher.thread.start();
        return watcher;
    }

    /** A watcher without Kafka that holds no model until one is {@link #offer offered}. */
    public static ModelWatcher withoutKafka() {
        return new ModelWatcher(null, null);
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
        ServingModel serving = current.get();
        if (closed || (serving != null && version.version() <= serving.version().version())
                || failed.contains(version.version())) {
            return false;
        }
        ServingModel loaded;
        try {
            loaded = ServingModel.load(version);
        } catch (IOException | RuntimeException e) {
            refuse(version, e.getMessage());
            return false;
        }
        if (serving != null && !sameInput(serving.config(), loaded.config())) {
            loaded.retire();
            refuse(version, "it reads " + loaded.validation().shape() + " images but the model in service reads "
                    + serving.validation().shape() + " and images.valid was validated for that; restart serving to"
                    + " change the input shape");
            return false;
        }
        swapIn(loaded);
        return true;
    }

    private void refuse(Messages.ModelVersion version, String reason) {
        failed.add(version.version());
        LOG.warn("model version {} ({}) not loaded, {}: {}", version.version(), version.checkpoint(),
                current().map(v -> "keeping version " + v.version()).orElse("still no model in service"), reason);
        for (Listener listener : listeners) {
            notify(listener, version, () -> listener.refused(version, reason));
        }
    }

    private static boolean sameInput(VitSomConfig a, VitSomConfig b) {
        return a.data().numChannels() == b.data().numChannels() && a.data().inputSize() == b.data().inputSize();
    }

    private synchronized void swapIn(ServingModel model) {
        ServingModel previous = current.getAndSet(model);
        if (previous != null) {
            previous.retire();
        }
        Messages.ModelVersion version = model.version();
        LOG.info("serving model version {} (step {}, {}x{} map, {})", version.version(), version.step(),
                model.config().som().rows(), model.config().som().cols(), version.checkpoint());
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

        /** {@code version} was announced but could not be used; the model in service (if any) stays. */
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
            NavigableMap<Long, Messages.ModelVersion> pending = new TreeMap<>();
            while (closing.getCount() > 0) {
                ConsumerRecords<String, byte[]> records = consumer.poll(POLL);
                for (ConsumerRecord<String, byte[]> record : records) {
                    parse(record).ifPresent(version -> pending.put(version.version(), version));
                }
                catchUpTo.entrySet().removeIf(end -> consumer.position(end.getKey()) >= end.getValue());
                if (catchUpTo.isEmpty()) {
                    loadNewest(pending);
                    pending.clear();
                }
            }
        } catch (WakeupException e) {
            if (closing.getCount() > 0) {
                LOG.error("model watcher woken up unexpectedly; no newer model will be loaded", e);
            }
        } catch (RuntimeException e) {
            LOG.error("model watcher stopped on an unexpected error; no newer model will be loaded", e);
        }
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

    private static Optional<Messages.ModelVersion> parse(ConsumerRecord<String, byte[]> record) {
        if (record.value() == null) {
            // A tombstone deletes a key; it announces nothing.
            return Optional.empty();
        }
        try {
            return Optional.of(Messages.fromJson(record.value(), Messages.ModelVersion.class));
        } catch (IllegalArgumentException e) {
            LOG.warn("skipping record {} at {}-{}@{}: {}", record.key(), record.topic(), record.partition(),
                    record.offset(), e.getMessage());
            return Optional.empty();
        }
    }

    /** Tries the pending versions newest first until one is put in service or none is newer than the current one. */
    private void loadNewest(NavigableMap<Long, Messages.ModelVersion> pending) {
        for (Messages.ModelVersion version : pending.descendingMap().values()) {
            if (closing.getCount() == 0 || offer(version)) {
                return;
            }
        }
    }
}
