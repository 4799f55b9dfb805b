package io.vitsom.learner.novel;

import io.vitsom.stream.KafkaClients;
import io.vitsom.stream.Messages;
import io.vitsom.stream.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Releases images the learner quarantined on {@code images.novel} back into training: each selected record is
 * produced to {@code images.valid} again with its key, value and original headers plus
 * {@link NovelHeaders#RELEASED} (see {@link NovelHeaders}), and each call records one {@value #EVENT_TYPE}
 * {@link Messages.MapEvent} on {@code som.events}. Used by {@code vitsom release-novel} and the learner's HTTP server.
 *
 * <p>Two selections:
 * <ul>
 *   <li>{@link Selection#all()} releases every record that no earlier {@code all} released: the consumer group
 *       {@value #GROUP} holds how far the last one got. The copies are produced with {@code acks=all} and idempotence,
 *       and the group's offsets are committed batch by batch only after the broker acknowledged every copy of the
 *       batch. A crash or failure mid-release can therefore release the records of the batch in flight a second time
 *       on the next call (the learner then trains them twice), but never skips one.</li>
 *   <li>{@link Selection#keys} reads the topic from its beginning, releases every record with one of the keys (a key
 *       quarantined twice is released twice) and commits nothing: a later {@code all} releases those records again,
 *       which trains them twice.</li>
 * </ul>
 * Both read up to the end of {@code images.novel} as of the call's start; what is quarantined meanwhile waits for the
 * next call. Calls on one instance run one at a time; two processes releasing {@code all} at once may both release the
 * same records.
 */
public final class NovelRelease {
    /** Consumer group whose committed offsets mark what {@link Selection#all()} has released. */
    public static final String GROUP = "vitsom-release-novel";
    /** {@link Messages.MapEvent#type()} of a release. */
    public static final String EVENT_TYPE = "novel-released";
    /** Most keys {@link Result#keysReleased()} lists; the count is always exact. */
    public static final int MAX_LISTED_KEYS = 1000;

    private static final Logger LOG = LoggerFactory.getLogger(NovelRelease.class);
    private static final String CLIENT_ID = "vitsom-release-novel";
    private static final int LINGER_MS = 5;
    /** Records per batch, i.e. between two commits: bounds what a crash can release twice. */
    private static final int MAX_POLL_RECORDS = 100;
    private static final Duration POLL = Duration.ofMillis(200);
    /**
     * Time still granted to a commit or the event after the caller's timeout ran out: skipping them would release
     * acknowledged copies again on the next call, or leave a release unrecorded.
     */
    private static final Duration GRACE = Duration.ofSeconds(10);

    private final KafkaClients clients;
    private final Topics topics;
    private final ReleaseEvents events;

    /** Releases on the cluster of {@code clients}; events carry -1 for the images trained and the model version. */
    public NovelRelease(KafkaClients clients, Topics topics) {
        this(clients, topics, () -> -1, () -> -1);
    }

    /**
     * Releases on the cluster of {@code clients}, for a caller that knows the learner's state (its HTTP server).
     *
     * @param imagesTrained fresh images trained so far, for {@link Messages.MapEvent#detectedAtImages()} (-1: unknown)
     * @param modelVersion newest published model version, for {@link Messages.MapEvent#modelVersion()} (-1: unknown)
     */
    public NovelRelease(KafkaClients clients, Topics topics, LongSupplier imagesTrained, LongSupplier modelVersion) {
        this.clients = Objects.requireNonNull(clients, "clients");
        this.topics = Objects.requireNonNull(topics, "topics");
        this.events = new ReleaseEvents(topics, imagesTrained, modelVersion);
    }

    /** Which quarantined records to release. */
    public static final class Selection {
        private static final Selection ALL = new Selection(null);

        /** The keys asked for; null for every record not yet released. */
        private final Set<String> keys;

        private Selection(Set<String> keys) {
            this.keys = keys;
        }

        /** Every record no earlier {@code all} released. */
        public static Selection all() {
            return ALL;
        }

        /**
         * Every record with one of these keys, released or not.
         *
         * @throws IllegalArgumentException when {@code keys} is empty or holds a blank key
         */
        public static Selection keys(Set<String> keys) {
            Objects.requireNonNull(keys, "keys");
            if (keys.isEmpty()) {
                throw new IllegalArgumentException("name at least one key to release");
            }
            for (String key : keys) {
                if (key == null || key.isBlank()) {
                    throw new IllegalArgumentException("a key to release must not be blank");
                }
            }
            return new Selection(Set.copyOf(keys));
        }

        /** Whether this is {@link #all()}. */
        public boolean isAll() {
            return keys == null;
        }

        /** The keys asked for; empty for {@link #all()}. */
        public Set<String> keys() {
            return keys == null ? Set.of() : keys;
        }

        boolean matches(String key) {
            return keys == null || keys.contains(key);
        }

        @Override
        public String toString() {
            return keys == null ? "all" : "keys " + new TreeSet<>(keys);
        }
    }

    /**
     * What a call released.
     *
     * @param released records produced to {@code images.valid}
     * @param keysReleased their keys in release order, the first {@link #MAX_LISTED_KEYS} only ({@code ""} for a
     *     record without a key)
     * @param keysNotFound keys asked for that no record read had, sorted; empty for {@link Selection#all()}
     * @param complete false when the timeout ended the call before the end of {@code images.novel}: call again for the
     *     rest (keys not found may then lie in the part not read)
     */
    public record Result(long released, List<String> keysReleased, List<String> keysNotFound, boolean complete) {
        public Result {
            keysReleased = List.copyOf(keysReleased);
            keysNotFound = List.copyOf(keysNotFound);
        }
    }

    /**
     * Releases the selected records and records the release on {@code som.events}.
     *
     * @param timeout how long reading and producing may take; a commit and the event get up to 10 s more
     * @return what was released; {@link Result#complete()} false when the timeout cut the call short
     * @throws KafkaException with a one-line message when the cluster cannot be reached or refuses our login, or when
     *     producing or committing fails (what was acknowledged and committed before stays released, and is recorded
     *     on {@code som.events} when the cluster still takes it)
     */
    public synchronized Result release(Selection selection, Duration timeout) {
        Objects.requireNonNull(selection, "selection");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("the release timeout must be positive, got " + timeout);
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        ensureTopics(timeout);
        Tally tally = new Tally(selection);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProperties(selection));
             KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProperties(timeout))) {
            Result result;
            try {
                result = tally.result(copy(consumer, producer, selection, tally, deadline));
            } catch (KafkaException e) {
                KafkaException failure = e instanceof TimeoutException
                        ? new KafkaException("Kafka at " + clients.bootstrapServers() + " did not answer in time while "
                                + "releasing novel images: " + e.getMessage(), e)
                        : e;
                // What earlier batches released stays released: record it, as a successful call would.
                if (tally.released > 0) {
                    try {
                        events.record(producer, selection, tally.result(false), Optional.of(failure.getMessage()),
                                GRACE);
                    } catch (KafkaException alsoFailed) {
                        failure.addSuppressed(alsoFailed);
                    }
                }
                throw failure;
            }
            events.record(producer, selection, result, Optional.empty(), GRACE);
            LOG.info("released {} from {} to {} ({}): {}", images(result.released()), topics.imagesNovel().name(),
                    topics.imagesValid().name(), selection, result);
            return result;
        }
    }

    /**
     * Copies the selected records below the end offsets of the start; false when the deadline came first.
     */
    private boolean copy(KafkaConsumer<byte[], byte[]> consumer, KafkaProducer<byte[], byte[]> producer,
                         Selection selection, Tally tally, long deadline) {
        String novel = topics.imagesNovel().name();
        List<TopicPartition> partitions = consumer.partitionsFor(novel, remaining(deadline)).stream()
                .map(p -> new TopicPartition(novel, p.partition())).toList();
        // Assigned before asking for the end offsets, which the consumer otherwise reports as unassigned (a warning).
        consumer.assign(partitions);
        Map<TopicPartition, Long> open = new HashMap<>(consumer.endOffsets(partitions, remaining(deadline)));
        seekToStart(consumer, selection, partitions, deadline);
        closeFinished(consumer, open);
        while (!open.isEmpty()) {
            if (System.nanoTime() >= deadline) {
                return false;
            }
            ConsumerRecords<byte[], byte[]> records = consumer.poll(min(remaining(deadline), POLL));
            List<Future<RecordMetadata>> acks = new ArrayList<>();
            List<String> keys = new ArrayList<>();
            Map<TopicPartition, OffsetAndMetadata> handled = new HashMap<>();
            for (TopicPartition partition : records.partitions()) {
                Long end = open.get(partition);
                if (end == null) {
                    continue;  // finished and paused; records fetched before the pause are past its end anyway
                }
                for (ConsumerRecord<byte[], byte[]> record : records.records(partition)) {
                    if (record.offset() >= end) {
                        break;
                    }
                    handled.put(partition, new OffsetAndMetadata(record.offset() + 1));
                    String key = record.key() == null ? "" : new String(record.key(), StandardCharsets.UTF_8);
                    if (selection.matches(key)) {
                        acks.add(producer.send(released(record)));
                        keys.add(key);
                    }
                }
            }
            awaitAcks(producer, acks);
            tally.add(keys);
            if (selection.isAll() && !handled.isEmpty()) {
                consumer.commitSync(handled, atLeastGrace(deadline));
            }
            closeFinished(consumer, open);
        }
        return true;
    }

    /** {@code all} resumes where the group's last release ended; {@code keys} looks at every record. */
    private static void seekToStart(KafkaConsumer<byte[], byte[]> consumer, Selection selection,
                                    List<TopicPartition> partitions, long deadline) {
        if (!selection.isAll()) {
            consumer.seekToBeginning(partitions);
            return;
        }
        Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(new HashSet<>(partitions),
                remaining(deadline));
        for (TopicPartition partition : partitions) {
            OffsetAndMetadata offset = committed.get(partition);
            if (offset == null) {
                consumer.seekToBeginning(List.of(partition));
            } else {
                consumer.seek(partition, offset);
            }
        }
    }

    /** Stops reading the partitions whose position reached their end offset, and drops them from {@code open}. */
    private static void closeFinished(KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> open) {
        List<TopicPartition> finished = open.entrySet().stream()
                .filter(e -> consumer.position(e.getKey()) >= e.getValue()).map(Map.Entry::getKey).toList();
        consumer.pause(finished);
        finished.forEach(open::remove);
    }

    /** The record as it goes back to images.valid: no quarantine headers, marked released. */
    private ProducerRecord<byte[], byte[]> released(ConsumerRecord<byte[], byte[]> record) {
        RecordHeaders headers = new RecordHeaders();
        for (Header header : record.headers()) {
            if (!header.key().startsWith(NovelHeaders.PREFIX)) {
                headers.add(header);
            }
        }
        headers.add(NovelHeaders.RELEASED, "true".getBytes(StandardCharsets.UTF_8));
        // No timestamp: the copy is new to images.valid, and an old one would expose it to retention at once.
        return new ProducerRecord<>(topics.imagesValid().name(), null, record.key(), record.value(), headers);
    }

    private void awaitAcks(KafkaProducer<byte[], byte[]> producer, List<Future<RecordMetadata>> acks) {
        producer.flush();
        for (Future<RecordMetadata> ack : acks) {
            try {
                ack.get();
            } catch (ExecutionException e) {
                throw new KafkaException("producing a released image to " + topics.imagesValid().name() + " failed: "
                        + e.getCause().getMessage(), e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new KafkaException("interrupted while releasing novel images", e);
            }
        }
    }

    static String images(long count) {
        return count + (count == 1 ? " novel image" : " novel images");
    }

    /**
     * Creates missing topics (a first release may find no {@code som.events}), and turns an unreachable cluster or a
     * refused login into one line before any consumer or producer starts retrying.
     */
    private void ensureTopics(Duration timeout) {
        Admin admin = clients.admin(CLIENT_ID + "-admin");
        long start = System.nanoTime();
        try {
            try {
                admin.describeCluster().clusterId().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
                Optional<KafkaException> refused = clients.authenticationFailure(e);
                if (refused.isPresent()) {
                    throw refused.get();
                }
                long waited = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
                throw new KafkaException("cannot reach Kafka at " + clients.bootstrapServers() + " (no answer in "
                        + waited + " s; is the broker running, is --bootstrap right?)", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new KafkaException("interrupted while contacting Kafka at " + clients.bootstrapServers(), e);
            }
            topics.createMissing(admin, clients.replicationFactor(), timeout);
        } finally {
            // Without a zero timeout, close() would wait out the request of an unreachable broker.
            admin.close(Duration.ZERO);
        }
    }

    private Properties consumerProperties(Selection selection) {
        Properties props = clients.base(CLIENT_ID);
        if (selection.isAll()) {
            props.put(ConsumerConfig.GROUP_ID_CONFIG, GROUP);
        }
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // A committed offset that retention deleted meanwhile: go on from the oldest record left.
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // A missing images.novel is created by ensureTopics with its own settings, never by a metadata request.
        props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, MAX_POLL_RECORDS);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        return props;
    }

    private Properties producerProperties(Duration timeout) {
        Properties props = clients.base(CLIENT_ID + "-out");
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.LINGER_MS_CONFIG, LINGER_MS);
        // The default (1 MiB) would refuse on the client side a large image the topics accepted.
        props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Topics.MAX_RECORD_BYTES);
        int timeoutMs = (int) Math.min(Integer.MAX_VALUE - LINGER_MS, timeout.toMillis());
        int requestMs = Math.min(timeoutMs, 30_000);
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, timeoutMs);
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, requestMs);
        // Kafka requires delivery.timeout.ms >= linger.ms + request.timeout.ms.
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Math.max(timeoutMs, requestMs + LINGER_MS));
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        return props;
    }

    private static Duration remaining(long deadline) {
        return Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
    }

    private static Duration atLeastGrace(long deadline) {
        Duration remaining = remaining(deadline);
        return remaining.compareTo(GRACE) < 0 ? GRACE : remaining;
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    /** What a call released so far (acknowledged copies only). */
    private static final class Tally {
        private final Selection selection;
        private final List<String> listed = new ArrayList<>();
        private final Set<String> found = new HashSet<>();
        private long released;

        Tally(Selection selection) {
            this.selection = selection;
        }

        void add(List<String> keys) {
            released += keys.size();
            if (!selection.isAll()) {
                found.addAll(keys);
            }
            listed.addAll(keys.subList(0, Math.min(keys.size(), MAX_LISTED_KEYS - listed.size())));
        }

        Result result(boolean complete) {
            List<String> notFound = selection.keys().stream().filter(k -> !found.contains(k)).sorted().toList();
            return new Result(released, listed, notFound, complete);
        }
    }
}
