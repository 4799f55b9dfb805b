package io.vitsom.stream;

import java.util.Objects;
import org.apache.kafka.common.serialization.Serde;

/**
 * One topic: its name and how it is created, declared together with the serdes of its keys and values so that
 * producers, topologies and tests cannot disagree about them.
 *
 * @param name the topic name
 * @param partitions partitions created when the topic is missing
 * @param cleanupPolicy {@code cleanup.policy} set when the topic is created
 * @param keySerde serde of the record keys
 * @param valueSerde serde of the record values
 * @param <K> key type
 * @param <V> value type
 */
public record Topic<K, V>(String name, int partitions, CleanupPolicy cleanupPolicy, Serde<K> keySerde,
                          Serde<V> valueSerde) {
    public Topic {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(cleanupPolicy, "cleanupPolicy");
        Objects.requireNonNull(keySerde, "keySerde");
        Objects.requireNonNull(valueSerde, "valueSerde");
        if (name.isBlank()) {
            throw new IllegalArgumentException("topic name must not be blank");
        }
        if (partitions <= 0) {
            throw new IllegalArgumentException("topic " + name + ": partitions must be positive, got " + partitions);
        }
    }

    /** The same topic under another name (names are configurable; everything else is part of the contract). */
    public Topic<K, V> withName(String newName) {
        return new Topic<>(newName, partitions, cleanupPolicy, keySerde, valueSerde);
    }

    /** The same topic created with another partition count. */
    public Topic<K, V> withPartitions(int newPartitions) {
        return new Topic<>(name, newPartitions, cleanupPolicy, keySerde, valueSerde);
    }
}
