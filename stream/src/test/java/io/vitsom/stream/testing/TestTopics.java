package io.vitsom.stream.testing;

import io.vitsom.stream.ImageRecord;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Producing image records into and reading records back from a real broker, for integration tests. */
public final class TestTopics {
    private TestTopics() {
    }

    /** Attempts at producing a record the broker refused (right after a topic's creation its leader may move). */
    private static final int ATTEMPTS = 3;

    /**
     * Produces {@code images} as image records (PNG, source {@code test}) keyed {@code prefix-i}, and waits for
     * every acknowledgement. A record the broker refused (a fresh topic's leader can still be moving, and an
     * idempotent producer then fails its sequence) is sent again by a new producer, up to {@value #ATTEMPTS} times;
     * one that still fails fails the call, so a test never waits for input that was silently lost.
     *
     * @param labels label per image, or null
     */
    public static void produceImages(String bootstrap, String topic, byte[][] images, String prefix, int[] labels)
            throws Exception {
        List<Integer> pending = new ArrayList<>();
        for (int i = 0; i < images.length; i++) {
            pending.add(i);
        }
        Exception last = null;
        for (int attempt = 0; attempt < ATTEMPTS && !pending.isEmpty(); attempt++) {
            List<Integer> failed = new ArrayList<>();
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all",
                    ProducerConfig.LINGER_MS_CONFIG, 5,
                    ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                    ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class))) {
                List<Future<RecordMetadata>> sent = new ArrayList<>();
                for (int i : pending) {
                    RecordHeaders headers = new RecordHeaders();
                    ImageRecord.write(headers, new ImageRecord.Metadata(ImageRecord.PNG, "test",
                            labels == null ? Optional.empty() : Optional.of(Integer.toString(labels[i])),
                            Instant.now()));
                    sent.add(producer.send(new ProducerRecord<>(topic, null,
                            (prefix + "-" + i).getBytes(StandardCharsets.UTF_8), images[i], headers)));
                }
                producer.flush();
                for (int k = 0; k < sent.size(); k++) {
                    try {
                        sent.get(k).get();
                    } catch (ExecutionException e) {
                        failed.add(pending.get(k));
                        last = e;
                    }
                }
            }
            pending = failed;
        }
        if (!pending.isEmpty()) {
            throw new IllegalStateException(pending.size() + " of " + images.length + " images were refused by "
                    + topic + " after " + ATTEMPTS + " attempts", last);
        }
    }

    /**
     * Reads {@code topic} from the beginning until {@code count} records arrived or {@code timeout} passed, and
     * then for {@code settle} more to catch records beyond the expected count.
     */
    public static List<ConsumerRecord<byte[], byte[]>> read(String bootstrap, String topic, int count,
                                                           Duration timeout, Duration settle) {
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "test-reader-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class))) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, timeout).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (out.size() < count && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
            long settleEnd = System.nanoTime() + settle.toNanos();
            while (System.nanoTime() < settleEnd) {
                consumer.poll(Duration.ofMillis(100)).forEach(out::add);
            }
        }
        return out;
    }

    /** A record's key as UTF-8 text. */
    public static String key(ConsumerRecord<byte[], byte[]> record) {
        return record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
    }

    /** A header's value as UTF-8 text, or null. */
    public static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        var h = record.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
