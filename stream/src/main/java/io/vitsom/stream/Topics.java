package io.vitsom.stream;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.Serdes;

/**
 * The topics of the pipeline. Names are configurable ({@link Topic#withName}); {@link #defaults()} holds the
 * documented default names.
 *
 * <p>Value formats of the {@code som.*} topics are defined by the learner and serving; until then they are raw
 * bytes here, and only their keys are fixed.
 *
 * @param images raw input: key = record key chosen by the producer, value = encoded image bytes (see
 *     {@link ImageRecord})
 * @param imagesValid images that passed validation, same format as {@code images}
 * @param imagesDlq rejected input with the reason in {@link ImageRecord#DLQ_REASON}
 * @param prototypes the prototype map, one record per unit keyed by unit index (compacted)
 * @param assignments serving's output: one assignment per valid image, keyed by image key
 * @param training the learner's training-time BMUs, keyed by image key
 * @param models model versions and checkpoint metadata (compacted)
 * @param events what happened to the map: drifts detected, shadow maps started and promoted, novel images
 *     released, units re-seeded ({@code Messages.MapEvent}, keyed by event type)
 * @param learning the learner's continual-learning state every few seconds ({@code Messages.LearningState})
 * @param imagesNovel images the learner quarantined as novel, unchanged, with the distance in headers; kept out of
 *     training until released
 */
public record Topics(Topic<String, byte[]> images, Topic<String, byte[]> imagesValid,
                     Topic<String, byte[]> imagesDlq, Topic<Integer, byte[]> prototypes,
                     Topic<String, byte[]> assignments, Topic<String, byte[]> training,
                     Topic<String, byte[]> models, Topic<String, byte[]> events,
                     Topic<String, byte[]> learning, Topic<String, byte[]> imagesNovel) {
    /** Partitions of the image and assignment topics: what lets two serving instances share the work. */
    public static final int DEFAULT_PARTITIONS = 2;
    /**
     * Largest record the topics accept ({@code max.message.bytes}): a 10 MiB image plus headers. Kafka's default
     * (about 1 MiB) would refuse ordinary photos that ingest accepts.
     */
    public static final int MAX_RECORD_BYTES = 10 * 1024 * 1024 + 64 * 1024;

    public Topics {
        Objects.requireNonNull(images, "images");
        Objects.requireNonNull(imagesValid, "imagesValid");
        Objects.requireNonNull(imagesDlq, "imagesDlq");
        Objects.requireNonNull(prototypes, "prototypes");
        Objects.requireNonNull(assignments, "assignments");
        Objects.requireNonNull(training, "training");
        Objects.requireNonNull(models, "models");
        Objects.requireNonNull(events, "events");
        Objects.requireNonNull(learning, "learning");
        Objects.requireNonNull(imagesNovel, "imagesNovel");
        List<String> names = new ArrayList<>();
        for (Topic<?, ?> topic : List.of(images, imagesValid, imagesDlq, prototypes, assignments, training,
                models, events, learning, imagesNovel)) {
            if (names.contains(topic.name())) {
                throw new IllegalArgumentException("topic name " + topic.name() + " is used twice");
            }
            names.add(topic.name());
        }
    }

    /** The default names: {@code images}, {@code images.valid}, {@code images.dlq}, {@code som.*}. */
    public static Topics defaults() {
        return new Topics(
                new Topic<>("images", DEFAULT_PARTITIONS, CleanupPolicy.DELETE, Serdes.String(), Serdes.ByteArray()),
                new Topic<>("images.valid", DEFAULT_PARTITIONS, CleanupPolicy.DELETE, Serdes.String(),
                        Serdes.ByteArray()),
                new Topic<>("images.dlq", 1, CleanupPolicy.DELETE, Serdes.String(), Serdes.ByteArray()),
                new Topic<>("som.prototypes", 1, CleanupPolicy.COMPACT, Serdes.Integer(), Serdes.ByteArray()),
                new Topic<>("som.assignments", DEFAULT_PARTITIONS, CleanupPolicy.DELETE, Serdes.String(),
                        Serdes.ByteArray()),
                new Topic<>("som.training", 1, CleanupPolicy.DELETE, Serdes.String(), Serdes.ByteArray()),
                // One partition: model versions must be read in the order they were published.
                new Topic<>("som.models", 1, CleanupPolicy.COMPACT, Serdes.String(), Serdes.ByteArray()),
                new Topic<>("som.events", 1, CleanupPolicy.DELETE, Serdes.String(), Serdes.ByteArray()),
                new Topic<>("som.learning", 1, CleanupPolicy.DELETE, Serdes.String(), Serdes.ByteArray()),
                new Topic<>("images.novel", 1, CleanupPolicy.DELETE, Serdes.String(), Serdes.ByteArray()));
    }

    /**
     * These topics with some renamed, e.g. {@code {"images": "camera.raw"}} (what {@code --topic images=camera.raw}
     * asks for).
     *
     * @param renames current name to new name
     * @throws IllegalArgumentException naming the known topics when a key is not one of them, or when two topics
     *     would share a name
     */
    public Topics renamed(Map<String, String> renames) {
        List<String> known = all().stream().map(Topic::name).toList();
        for (Map.Entry<String, String> e : renames.entrySet()) {
            if (!known.contains(e.getKey())) {
                throw new IllegalArgumentException("unknown topic '" + e.getKey() + "': one of " + known);
            }
            if (e.getValue() == null || e.getValue().isBlank()) {
                throw new IllegalArgumentException("topic " + e.getKey() + " needs a non-empty new name");
            }
        }
        return new Topics(rename(images, renames), rename(imagesValid, renames), rename(imagesDlq, renames),
                rename(prototypes, renames), rename(assignments, renames), rename(training, renames),
                rename(models, renames), rename(events, renames), rename(learning, renames),
                rename(imagesNovel, renames));
    }

    private static <K, V> Topic<K, V> rename(Topic<K, V> topic, Map<String, String> renames) {
        String name = renames.get(topic.name());
        return name == null ? topic : topic.withName(name);
    }

    /** Every topic, in declaration order. */
    public List<Topic<?, ?>> all() {
        return List.of(images, imagesValid, imagesDlq, prototypes, assignments, training, models, events, learning,
                imagesNovel);
    }

    /**
     * Creates the topics that do not exist yet; existing topics are left as they are (their partition counts and
     * configs are not checked).
     *
     * @param admin a client of the cluster
     * @param replicationFactor replicas per partition (1 for a single broker)
     * @param timeout how long to wait for the cluster
     * @return the names of the topics created by this call
     * @throws KafkaException when the cluster does not answer in time or refuses a topic
     */
    public List<String> createMissing(Admin admin, short replicationFactor, Duration timeout) {
        Objects.requireNonNull(admin, "admin");
        try {
            Set<String> existing = admin.listTopics().names().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            List<NewTopic> missing = new ArrayList<>();
            for (Topic<?, ?> topic : all()) {
                if (!existing.contains(topic.name())) {
                    missing.add(new NewTopic(topic.name(), topic.partitions(), replicationFactor)
                            .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, topic.cleanupPolicy().configValue(),
                                    TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(MAX_RECORD_BYTES))));
                }
            }
            List<String> created = new ArrayList<>();
            for (Map.Entry<String, KafkaFuture<Void>> result
                    : admin.createTopics(missing).values().entrySet()) {
                try {
                    result.getValue().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                    created.add(result.getKey());
                } catch (ExecutionException e) {
                    // Another process (a second service instance) created it between list and create: that is
                    // the state we wanted, so it is not an error.
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new KafkaException("creating topic " + result.getKey() + " failed: "
                                + e.getCause().getMessage(), e.getCause());
                    }
                }
            }
            return List.copyOf(created);
        } catch (ExecutionException e) {
            throw new KafkaException("listing topics failed: " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new KafkaException("the cluster did not answer within " + timeout + " while creating topics", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaException("interrupted while creating topics", e);
        }
    }
}
