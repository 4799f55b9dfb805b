package io.vitsom.learner;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vitsom.model.checkpoint.Checkpoint;
import io.vitsom.model.drift.DriftEvent;
import io.vitsom.model.metrics.TopologyMetrics;
import io.vitsom.model.map.MapModel;
import java.io.IOException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a version: makes everything its offsets vouch for durable, saves model, optimizer, continual-learning state
 * (reservoir, plasticity, shadow map) and provenance atomically, prunes old versions, commits the offsets to the
 * consumer group (for lag monitoring only), then publishes the prototypes and the model record, and feeds the
 * prototypes' movement to drift detection.
 */
final class CheckpointWriter {
    private static final Logger LOG = LoggerFactory.getLogger(CheckpointWriter.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final LearnerConfig config;
    private final CheckpointStore store;
    private final LearnerMetrics metrics;

    CheckpointWriter(LearnerConfig config, CheckpointStore store, LearnerMetrics metrics) {
        this.config = config;
        this.store = store;
        this.metrics = metrics;
    }

    void write(LearnerSession session, KafkaConsumer<String, byte[]> consumer, LearnerPublisher publisher)
            throws IOException {
        long start = System.nanoTime();
        // Everything the checkpoint's offsets vouch for (training BMUs, DLQ and quarantined records) must be durable.
        publisher.flush();
        Map<TopicPartition, Long> offsets = new LinkedHashMap<>(session.offsets);
        offsets.putAll(session.pendingOffsets);
        long version = store.nextVersion();
        ObjectNode provenance = provenance(session, offsets, version);
        Checkpoint.save(store.path(version), session.trainer(), config.options().seed(), provenance,
                session.learner.checkpointExtra());
        store.prune(config.options().keepLast());
        commit(consumer, offsets, version);
        session.offsets.clear();
        session.offsets.putAll(offsets);
        session.rangeStart.clear();
        session.rangeStart.putAll(offsets);
        session.pendingOffsets.clear();
        session.version = version;
        session.stepsSinceCheckpoint = 0;
        session.lastCheckpoint = System.nanoTime();
        long written = System.nanoTime();
        MapModel map = session.trainer().map();
        float[] prototypes = map.prototypes();
        TopologyMetrics.Drift drift = session.publishedPrototypes == null ? null : TopologyMetrics.prototypeDrift(
                map.prototypeDistance(), session.publishedPrototypes, prototypes, map.prototypeDim());
        publisher.model(session, version, store.path(version), offsets, prototypes, drift);
        session.publishedPrototypes = prototypes;
        if (drift != null) {
            metrics.drift(drift);
            for (DriftEvent e : session.learner.observePrototypeDrift(drift.mean())) {
                publisher.drift(e, version);
            }
        }
        metrics.checkpoint(version, System.nanoTime() - start);
        LOG.info("checkpoint v{} at step {} ({} images) written to {} in {} ms, published in {} ms{}", version,
                session.trainer().stepCount(), session.imagesTrained, store.path(version),
                (written - start) / 1_000_000, (System.nanoTime() - written) / 1_000_000,
                drift == null ? ""
                        : String.format(" (prototype drift mean %.4g, max %.4g)", drift.mean(), drift.max()));
    }

    private static void commit(KafkaConsumer<String, byte[]> consumer, Map<TopicPartition, Long> offsets,
                               long version) {
        Map<TopicPartition, OffsetAndMetadata> commit = new HashMap<>();
        offsets.forEach((tp, offset) -> commit.put(tp, new OffsetAndMetadata(offset, "checkpoint v" + version)));
        try {
            try {
                consumer.commitSync(commit);
            } catch (WakeupException e) {
                // stop() wakes the consumer to end a poll; when the loop was training instead, the wakeup is
                // delivered to the final checkpoint's commit, and it is spent by now.
                consumer.commitSync(commit);
            }
        } catch (KafkaException e) {
            // Committed offsets only feed lag monitoring; the checkpoint already holds the truth.
            LOG.warn("committing offsets of checkpoint {} failed: {}", version, e.toString());
        }
    }

    private ObjectNode provenance(LearnerSession session, Map<TopicPartition, Long> offsets, long version) {
        ObjectNode p = JSON.createObjectNode();
        p.put("kind", "stream");
        p.put("version", version);
        p.put("input_topic", config.topics().imagesValid().name());
        p.put("group_id", config.groupId());
        p.put("bootstrap_servers", config.kafka().bootstrapServers());
        p.put("images_trained", session.imagesTrained);
        p.put("rehearsed_images", session.learner.rehearsedImages());
        p.put("novel_images", session.learner.novelImages());
        p.put("horizon_images", config.options().horizonImages());
        p.put("horizon_epochs", config.model().totalEpochs());
        p.set("adaptation", JSON.valueToTree(config.options().adaptation()));
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
}
