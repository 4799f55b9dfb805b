package io.vitsom.learner;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the learner reads its input from: every partition of the valid-image topic (also those added while it runs),
 * each from its checkpointed offset, and what happens when retention deleted records before they were trained
 * ({@link LearnerOptions.RetentionGapPolicy}). The consumer runs with {@code auto.offset.reset=none}, so no position
 * ever jumps silently.
 */
final class InputPositions {
    private static final Logger LOG = LoggerFactory.getLogger(InputPositions.class);

    private final LearnerConfig config;
    private final LearnerMetrics metrics;

    InputPositions(LearnerConfig config, LearnerMetrics metrics) {
        this.config = config;
        this.metrics = metrics;
    }

    /**
     * The input topic's partitions as the cluster has them now. Asked through the consumer's metadata, which it
     * refreshes at most every {@code metadata.max.age.ms} (set short in {@link LearnerClients#consumer} so that
     * added partitions are seen within a minute).
     */
    List<TopicPartition> partitions(KafkaConsumer<String, byte[]> c) {
        String topic = config.topics().imagesValid().name();
        List<PartitionInfo> infos = c.partitionsFor(topic, Duration.ofSeconds(30));
        if (infos == null || infos.isEmpty()) {
            throw new KafkaException("topic " + topic + " has no partitions on " + config.kafka().bootstrapServers());
        }
        List<TopicPartition> partitions = new ArrayList<>();
        for (PartitionInfo info : infos) {
            partitions.add(new TopicPartition(topic, info.partition()));
        }
        partitions.sort(Comparator.comparingInt(TopicPartition::partition));
        return partitions;
    }

    /**
     * Reads {@code partitions}: one already being read from where it is, any other from its checkpointed offset, or
     * from its beginning when the checkpoint does not know it (a fresh model, or a partition added since).
     */
    void assign(KafkaConsumer<String, byte[]> c, List<TopicPartition> partitions, LearnerSession session) {
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
    void retentionGap(KafkaConsumer<String, byte[]> c, Map<TopicPartition, Long> wanted, LearnerSession session) {
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
}
