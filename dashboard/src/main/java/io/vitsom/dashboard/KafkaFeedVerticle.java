package io.vitsom.dashboard;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import io.vitsom.stream.Messages;
import io.vitsom.stream.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the {@link DashboardState} up to date from {@code som.assignments}, {@code som.prototypes},
 * {@code som.models}, {@code som.events} and {@code som.learning}, on a thread of its own (a Kafka consumer
 * blocks), and samples the window's topology metrics into the history every {@link DashboardConfig#sampleEvery()}.
 *
 * <p>It reads by assignment, without a consumer group (it commits nothing and never takes partitions from
 * anyone): the two compacted topics from the beginning, so the newest map and the model history are there at
 * once, {@code som.events} from the beginning too, so the page shows the drift history (the state keeps the last
 * {@value LearnerActivity#EVENTS_KEPT}), {@code som.assignments} from the last {@link DashboardConfig#window()}
 * records on, and {@code som.learning} from its last {@value LearnerActivity#LEARNING_KEPT} records. Topics that do
 * not exist yet are looked for again every 2 s (a learner that publishes no events or learning states leaves
 * those two missing; the rest works as before). A record that is not valid JSON of its topic's format is logged
 * with topic, partition and offset and skipped.
 */
public final class KafkaFeedVerticle extends VerticleBase {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaFeedVerticle.class);
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration TOPIC_RETRY = Duration.ofSeconds(2);
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(10);

    private final DashboardState state;
    private final Topics topics;
    private final CountDownLatch closing = new CountDownLatch(1);
    private KafkaConsumer<byte[], byte[]> consumer;
    private Thread thread;
    private long skipped;

    public KafkaFeedVerticle(DashboardState state) {
        this.state = Objects.requireNonNull(state, "state");
        this.topics = state.config().topics();
    }

    @Override
    public Future<?> start() {
        // Creating the consumer resolves the bootstrap addresses: not on the event loop.
        return vertx.executeBlocking(() -> {
            consumer = new KafkaConsumer<>(consumerProperties(), new ByteArrayDeserializer(),
                    new ByteArrayDeserializer());
            thread = new Thread(this::run, "dashboard-feed");
            thread.setDaemon(true);
            thread.start();
            return null;
        });
    }

    @Override
    public Future<?> stop() {
        closing.countDown();
        if (consumer == null) {
            return Future.succeededFuture();
        }
        consumer.wakeup();
        return vertx.executeBlocking(() -> {
            thread.join(CLOSE_WAIT.toMillis());
            if (thread.isAlive()) {
                LOG.warn("the dashboard feed did not stop within {}", CLOSE_WAIT);
            }
            return null;
        });
    }

    private Properties consumerProperties() {
        Properties props = state.config().clients().base("vitsom-dashboard");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        // Serving may write transactionally (exactly_once_v2): show only what it committed.
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        return props;
    }

    private void run() {
        Set<String> missing = new LinkedHashSet<>(List.of(topics.assignments().name(), topics.prototypes().name(),
                topics.models().name(), topics.events().name(), topics.learning().name()));
        List<TopicPartition> assigned = new ArrayList<>();
        long sampleEvery = state.config().sampleEvery().toMillis();
        long nextLookup = 0;
        long nextSample = System.currentTimeMillis() + sampleEvery;
        try {
            while (closing.getCount() > 0) {
                long now = System.currentTimeMillis();
                if (!missing.isEmpty() && now >= nextLookup) {
                    assignNew(missing, assigned);
                    nextLookup = now + TOPIC_RETRY.toMillis();
                }
                if (assigned.isEmpty()) {
                    closing.await(POLL.toMillis(), TimeUnit.MILLISECONDS);
                    continue;
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
                    handle(record);
                }
                now = System.currentTimeMillis();
                if (now >= nextSample) {
                    state.sample(now);
                    nextSample = now + sampleEvery;
                }
            }
        } catch (WakeupException e) {
            if (closing.getCount() > 0) {
                fail(e);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            // Only stop() may end the feed quietly; anything else must show in /health.
            if (closing.getCount() > 0) {
                fail(e);
            }
        } catch (RuntimeException | Error e) {
            fail(e);
        } finally {
            consumer.close();
        }
    }

    private void fail(Throwable e) {
        LOG.error("the dashboard feed stopped; the page no longer updates", e);
        // A refused login says which user and settings file, so the page tells what to fix.
        state.onFeedFailure(state.config().clients().authenticationFailure(e).map(Throwable::getMessage)
                .orElse(e.toString()));
    }

    /** Assigns the partitions of the topics that exist by now, positioned where this feed starts reading them. */
    private void assignNew(Set<String> missing, List<TopicPartition> assigned) {
        List<TopicPartition> added = new ArrayList<>();
        for (String topic : List.copyOf(missing)) {
            List<PartitionInfo> infos;
            try {
                infos = consumer.partitionsFor(topic, Duration.ofSeconds(1));
            } catch (org.apache.kafka.common.errors.TimeoutException e) {
                infos = List.of();
            }
            if (infos == null || infos.isEmpty()) {
                continue;
            }
            missing.remove(topic);
            infos.forEach(info -> added.add(new TopicPartition(topic, info.partition())));
        }
        if (added.isEmpty()) {
            if (assigned.isEmpty()) {
                LOG.debug("waiting for topics {}", missing);
            }
            return;
        }
        assigned.addAll(added);
        consumer.assign(assigned);
        List<TopicPartition> live = added.stream()
                .filter(tp -> tp.topic().equals(topics.assignments().name())).toList();
        List<TopicPartition> learning = added.stream()
                .filter(tp -> tp.topic().equals(topics.learning().name())).toList();
        List<TopicPartition> fromStart = added.stream()
                .filter(tp -> !live.contains(tp) && !learning.contains(tp)).toList();
        consumer.seekToBeginning(fromStart);
        // The last `window` assignments, so the maps are filled at once; the learning states the state keeps, so
        // the plasticity chart has its history at once (a topic kept for days holds far more than that).
        seekToLast(live, state.config().window());
        seekToLast(learning, LearnerActivity.LEARNING_KEPT);
        LOG.info("dashboard reading {}", added);
    }

    /** Positions {@code partitions} at their last {@code records} records, spread over the partitions. */
    private void seekToLast(List<TopicPartition> partitions, long records) {
        if (partitions.isEmpty()) {
            return;
        }
        long perPartition = (records + partitions.size() - 1) / partitions.size();
        Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
        Map<TopicPartition, Long> starts = consumer.beginningOffsets(partitions);
        for (TopicPartition tp : partitions) {
            consumer.seek(tp, Math.max(starts.getOrDefault(tp, 0L), ends.getOrDefault(tp, 0L) - perPartition));
        }
    }

    private void handle(ConsumerRecord<byte[], byte[]> record) {
        if (record.value() == null) {
            return; // a tombstone on a compacted topic announces nothing
        }
        String topic = record.topic();
        try {
            if (topic.equals(topics.assignments().name())) {
                String key = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
                Messages.Bmu bmu = Messages.fromJson(record.value(), Messages.Bmu.class);
                if (!state.onAssignment(DashboardState.Assignment.of(key, bmu, System.currentTimeMillis()))) {
                    skip(record, "unit " + bmu.unit() + " is not on the map");
                }
            } else if (topic.equals(topics.prototypes().name())) {
                state.onPrototype(Messages.fromJson(record.value(), Messages.Prototype.class));
            } else if (topic.equals(topics.models().name())) {
                Messages.ModelVersion model = Messages.fromJson(record.value(), Messages.ModelVersion.class);
                // Drift fields are optional: read them from the JSON itself, whatever the record type knows.
                JsonObject json = new JsonObject(new String(record.value(), StandardCharsets.UTF_8));
                state.onModel(DashboardState.ModelEntry.of(model, number(json, "drift_mean"),
                        number(json, "drift_max")));
            } else if (topic.equals(topics.events().name())) {
                Messages.MapEvent event = Messages.fromJson(record.value(), Messages.MapEvent.class);
                state.learner().onEvent(new LearnerActivity.Event(record.partition() + "-" + record.offset(),
                        epochMillis(event.detectedAt(), record.timestamp()), event));
            } else if (topic.equals(topics.learning().name())) {
                Messages.LearningState learning = Messages.fromJson(record.value(), Messages.LearningState.class);
                state.learner().onLearning(new LearnerActivity.Learning(
                        epochMillis(learning.time(), record.timestamp()), learning));
            }
        } catch (IllegalArgumentException | io.vertx.core.json.DecodeException e) {
            skip(record, e.getMessage());
        }
    }

    /**
     * An ISO-8601 time ({@code 2025-01-01T00:00:00Z}, or with an offset) as epoch milliseconds; {@code fallback}
     * (the record's timestamp) when it does not parse, so one odd clock format never hides an event.
     */
    static long epochMillis(String iso, long fallback) {
        try {
            return Instant.parse(iso).toEpochMilli();
        } catch (DateTimeParseException notAnInstant) {
            try {
                return OffsetDateTime.parse(iso).toInstant().toEpochMilli();
            } catch (DateTimeParseException e) {
                return fallback;
            }
        }
    }

    private static Double number(JsonObject json, String field) {
        return json.getValue(field) instanceof Number n ? n.doubleValue() : null;
    }

    private void skip(ConsumerRecord<byte[], byte[]> record, String reason) {
        skipped++;
        // Every record of a bad producer would log: the first ten, then one in a thousand.
        if (skipped <= 10 || skipped % 1000 == 0) {
            LOG.warn("dashboard skipped {}-{}@{} ({} skipped so far): {}", record.topic(), record.partition(),
                    record.offset(), skipped, reason);
        }
    }
}
