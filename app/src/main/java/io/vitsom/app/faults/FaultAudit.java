package io.vitsom.app.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vitsom.learner.CheckpointStore;
import io.vitsom.model.checkpoint.Checkpoint;
import io.vitsom.stream.KafkaClients;
import io.vitsom.stream.Topics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * What the faults left behind, read from the learner's checkpoints and the topics: the surviving model lineage
 * and how often it trained each record of the input, whether every input key was assigned, and whether the
 * published model versions only went forward.
 */
final class FaultAudit {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** What {@code CheckpointRestorer} logs when it cleans up after a crash inside a checkpoint write. */
    private static final Pattern REMOVED = Pattern.compile("removed (\\d+) incomplete checkpoint write");

    private FaultAudit() {
    }

    /**
     * Everything the audit found after a run.
     *
     * @param versions every checkpoint version on disk, oldest first
     * @param lineage the lineage of the newest valid version, oldest first
     * @param recordsIn records of the input between its beginning and end offsets
     * @param coverage how often the lineage trained each of them
     * @param completeness the input's keys against those assigned
     * @param published the model versions on {@code som.models}, in the order they were published
     * @param monotonic whether published versions, lineage versions and lineage steps only went forward
     * @param incompleteWritesRemoved incomplete checkpoint writes the restarted learners reported removing
     */
    record Findings(List<Version> versions, List<Version> lineage, long recordsIn, Coverage coverage,
                    Completeness completeness, List<Long> published, boolean monotonic, int incompleteWritesRemoved) {
        Findings {
            versions = List.copyOf(versions);
            lineage = List.copyOf(lineage);
            published = List.copyOf(published);
        }
    }

    /**
     * Audits a run from what it left: the checkpoints in {@code checkpoints}, the input, assignment and model
     * topics of {@code topics}, and the logs of the learner's starts. The broker must still run.
     */
    static Findings audit(KafkaClients clients, Topics topics, Path checkpoints, List<Path> learnerLogs)
            throws IOException {
        String input = topics.imagesValid().name();
        Map<String, Map<Integer, Long>> bounds = bounds(clients, input);
        List<Version> versions = versions(checkpoints);
        List<Version> lineage = lineage(versions);
        Coverage coverage = coverage(lineage, bounds.get("begin"), bounds.get("end"));
        Completeness completeness = completeness(keys(clients, input), keys(clients, topics.assignments().name()));
        List<Long> published = publishedVersions(readAll(clients, topics.models().name()));
        int removed = 0;
        for (Path log : learnerLogs) {
            removed += incompleteWritesRemoved(Files.exists(log) ? Files.readString(log) : "");
        }
        return new Findings(versions, lineage, records(bounds.get("begin"), bounds.get("end")), coverage,
                completeness, published, monotonic(published, lineage), removed);
    }

    /**
     * One checkpoint version as found on disk.
     *
     * @param version the version number
     * @param problem why it does not verify, or {@code null} when it does
     * @param step the training step it holds
     * @param offsets next offset per input partition
     * @param ranges {@code [from, to)} per input partition that this version added to its lineage
     * @param resumedFrom the version its training session resumed from, or {@code null} for a fresh start
     */
    record Version(long version, String problem, long step, Map<Integer, Long> offsets, Map<Integer, long[]> ranges,
                   Long resumedFrom) {
        boolean valid() {
            return problem == null;
        }
    }

    /** Every version in {@code dir}, oldest first; metadata only, checksums verified. */
    static List<Version> versions(Path dir) throws IOException {
        CheckpointStore store = new CheckpointStore(dir);
        List<Version> out = new ArrayList<>();
        for (long v : store.versions()) {
            out.add(version(store, v));
        }
        Collections.reverse(out);
        return out;
    }

    /** One version's metadata, its checksums verified. */
    static Version version(CheckpointStore store, long v) {
        Path path = store.path(v);
        String problem = null;
        JsonNode provenance = JSON.createObjectNode();
        long step = -1;
        try {
            Checkpoint.verify(path);
            JsonNode meta = JSON.readTree(path.resolve("checkpoint.json").toFile());
            provenance = meta.path("provenance");
            step = meta.path("step").asLong();
        } catch (IOException | RuntimeException e) {
            problem = e.getMessage();
        }
        Map<Integer, Long> offsets = new TreeMap<>();
        provenance.path("offsets").properties().forEach(e -> offsets.put(partition(e.getKey()),
                e.getValue().asLong()));
        Map<Integer, long[]> ranges = new TreeMap<>();
        provenance.path("ranges").properties().forEach(e -> ranges.put(partition(e.getKey()),
                new long[] {e.getValue().get(0).asLong(), e.getValue().get(1).asLong()}));
        Long resumedFrom = provenance.has("resumed_from_version")
                ? provenance.path("resumed_from_version").asLong() : null;
        return new Version(v, problem, step, offsets, ranges, resumedFrom);
    }

    /** The newest version that verifies, or {@code null}. */
    static Version newestValid(List<Version> versions) {
        for (int i = versions.size() - 1; i >= 0; i--) {
            if (versions.get(i).valid()) {
                return versions.get(i);
            }
        }
        return null;
    }

    /**
     * The lineage of the newest valid version, oldest first. A version's parent is the previous version of its
     * own training session (same {@code resumed_from_version}, valid), or else the version the session resumed
     * from; whether the ranges then fit together is what {@link #coverage} measures, not assumed here.
     */
    static List<Version> lineage(List<Version> versions) {
        Map<Long, Version> byNumber = new HashMap<>();
        versions.stream().filter(Version::valid).forEach(v -> byNumber.put(v.version(), v));
        List<Version> chain = new ArrayList<>();
        Version current = newestValid(versions);
        while (current != null) {
            chain.add(current);
            Version cur = current;
            Version parent = null;
            for (Version candidate : versions) {
                boolean sameSession = candidate.valid() && candidate.version() < cur.version()
                        && Objects.equals(candidate.resumedFrom(), cur.resumedFrom())
                        && (cur.resumedFrom() == null || candidate.version() > cur.resumedFrom());
                if (sameSession) {
                    parent = candidate; // ascending order: the last match is the nearest
                }
            }
            if (parent == null && cur.resumedFrom() != null) {
                parent = byNumber.get(cur.resumedFrom());
            }
            current = parent;
        }
        Collections.reverse(chain);
        return chain;
    }

    /**
     * How often the lineage trained each offset of the input.
     *
     * @param exactlyOnce offsets covered by exactly one range
     * @param lost offsets of the input never covered
     * @param twice offsets covered by two or more ranges
     */
    record Coverage(long exactlyOnce, long lost, long twice) {
    }

    /** Counts, per input offset in {@code [begin, end)}, how many of the lineage's ranges contain it. */
    static Coverage coverage(List<Version> lineage, Map<Integer, Long> begin, Map<Integer, Long> end) {
        long once = 0;
        long lost = 0;
        long twice = 0;
        for (Map.Entry<Integer, Long> e : end.entrySet()) {
            long from = begin.getOrDefault(e.getKey(), 0L);
            int[] counts = new int[(int) Math.max(0, e.getValue() - from)];
            for (Version v : lineage) {
                long[] range = v.ranges().get(e.getKey());
                if (range == null) {
                    continue;
                }
                for (long o = Math.max(range[0], from); o < Math.min(range[1], e.getValue()); o++) {
                    counts[(int) (o - from)]++;
                }
            }
            for (int c : counts) {
                if (c == 0) {
                    lost++;
                } else if (c == 1) {
                    once++;
                } else {
                    twice++;
                }
            }
        }
        return new Coverage(once, lost, twice);
    }

    /**
     * Keys of {@code som.assignments} against the keys of the input.
     *
     * @param missing input keys with no assignment
     * @param duplicates assignments beyond the first of each key
     */
    record Completeness(long missing, long duplicates) {
    }

    static Completeness completeness(List<String> inputKeys, List<String> assignedKeys) {
        Map<String, Integer> assigned = new HashMap<>();
        assignedKeys.forEach(k -> assigned.merge(k, 1, Integer::sum));
        long missing = inputKeys.stream().distinct().filter(k -> !assigned.containsKey(k)).count();
        long duplicates = assigned.values().stream().mapToLong(n -> n - 1).sum();
        return new Completeness(missing, duplicates);
    }

    /** The model versions of {@code som.models} records, in the order they were published. */
    static List<Long> publishedVersions(List<ConsumerRecord<String, byte[]>> models) throws IOException {
        List<Long> versions = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> r : models) {
            if (r.value() != null) {
                versions.add(JSON.readTree(r.value()).path("version").asLong());
            }
        }
        return versions;
    }

    /**
     * Whether the model only went forward: published versions and lineage versions increasing, lineage steps not
     * decreasing (a final checkpoint may add only offsets, of records sent to the DLQ, and no step).
     */
    static boolean monotonic(List<Long> published, List<Version> lineage) {
        return increasing(published) && increasing(lineage.stream().map(Version::version).toList())
                && nonDecreasing(lineage.stream().map(Version::step).toList());
    }

    /** Records between {@code begin} and {@code end} offsets, over the partitions of {@code end}. */
    static long records(Map<Integer, Long> begin, Map<Integer, Long> end) {
        return end.entrySet().stream().mapToLong(e -> e.getValue() - begin.getOrDefault(e.getKey(), 0L)).sum();
    }

    /** How many incomplete checkpoint writes a learner's log says it removed. */
    static int incompleteWritesRemoved(String learnerLog) {
        int removed = 0;
        Matcher m = REMOVED.matcher(learnerLog);
        while (m.find()) {
            removed += Integer.parseInt(m.group(1));
        }
        return removed;
    }

    /** True when every value is above the one before. */
    static boolean increasing(List<Long> values) {
        for (int i = 1; i < values.size(); i++) {
            if (values.get(i) <= values.get(i - 1)) {
                return false;
            }
        }
        return true;
    }

    /** True when no value is below the one before. */
    static boolean nonDecreasing(List<Long> values) {
        for (int i = 1; i < values.size(); i++) {
            if (values.get(i) < values.get(i - 1)) {
                return false;
            }
        }
        return true;
    }

    /** Every record of {@code topic} (all partitions, partition by partition in offset order), up to its end now. */
    static List<ConsumerRecord<String, byte[]>> readAll(KafkaClients clients, String topic) {
        var props = clients.base("vitsom-bench-faults-audit");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000);
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(30));
            Map<Integer, List<ConsumerRecord<String, byte[]>>> byPartition = new TreeMap<>();
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("reading " + topic + " did not reach its end offsets " + end
                            + " within 2 minutes");
                }
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    if (r.offset() < end.get(new TopicPartition(topic, r.partition()))) {
                        byPartition.computeIfAbsent(r.partition(), p -> new ArrayList<>()).add(r);
                    }
                }
            }
            List<ConsumerRecord<String, byte[]>> all = new ArrayList<>();
            byPartition.values().forEach(all::addAll);
            return all;
        }
    }

    /** The keys of every record of {@code topic}, as {@link #readAll} orders them. */
    static List<String> keys(KafkaClients clients, String topic) {
        return readAll(clients, topic).stream().map(ConsumerRecord::key).toList();
    }

    /** Beginning and end offsets of every partition of {@code topic}. */
    static Map<String, Map<Integer, Long>> bounds(KafkaClients clients, String topic) {
        var props = clients.base("vitsom-bench-faults-audit");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            Map<String, Map<Integer, Long>> out = new LinkedHashMap<>();
            Map<Integer, Long> begin = new TreeMap<>();
            consumer.beginningOffsets(partitions, Duration.ofSeconds(30))
                    .forEach((tp, o) -> begin.put(tp.partition(), o));
            Map<Integer, Long> end = new TreeMap<>();
            consumer.endOffsets(partitions, Duration.ofSeconds(30)).forEach((tp, o) -> end.put(tp.partition(), o));
            out.put("begin", begin);
            out.put("end", end);
            return out;
        }
    }

    private static int partition(String topicPartition) {
        return Integer.parseInt(topicPartition.substring(topicPartition.lastIndexOf('-') + 1));
    }
}
