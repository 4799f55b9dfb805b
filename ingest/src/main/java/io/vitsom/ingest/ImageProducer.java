package io.vitsom.ingest;

import io.vitsom.stream.ImageRecord;
import io.vitsom.stream.KafkaClients;
import io.vitsom.stream.Topic;
import java.time.Duration;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * The producer every ingest source uses, so that all of them write the same record format with the same delivery
 * guarantees: {@code acks=all} with idempotence (no duplicates from the producer's own retries), a short linger
 * so bursts share requests, and timeouts bounded by {@code ackTimeout} so a dead broker surfaces as a failed send
 * instead of a hang.
 */
final class ImageProducer implements AutoCloseable {
    /** Room for the record's key, headers and batch framing next to the image bytes. */
    static final int RECORD_OVERHEAD_BYTES = 64 * 1024;
    private static final int LINGER_MS = 5;
    private static final int DEFAULT_MAX_REQUEST_BYTES = 1024 * 1024;

    private final Producer<String, byte[]> producer;
    private final Topic<String, byte[]> topic;

    /**
     * Connects lazily (the constructor does not contact the broker).
     *
     * @param clients where the cluster is
     * @param clientId names this producer in broker logs
     * @param topic the topic written to, with its serdes
     * @param maxImageBytes largest image value sent
     * @param ackTimeout how long a send may wait for metadata, buffer space and the acknowledgement together
     */
    ImageProducer(KafkaClients clients, String clientId, Topic<String, byte[]> topic, int maxImageBytes,
                  Duration ackTimeout) {
        this.topic = Objects.requireNonNull(topic, "topic");
        Properties props = clients.base(clientId);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.LINGER_MS_CONFIG, LINGER_MS);
        // The default (1 MiB) would refuse large uploads on the client side before the broker is even asked.
        props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG,
                Math.max(DEFAULT_MAX_REQUEST_BYTES, maxImageBytes + RECORD_OVERHEAD_BYTES));
        int timeoutMs = (int) Math.min(Integer.MAX_VALUE - LINGER_MS, ackTimeout.toMillis());
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, timeoutMs);
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, timeoutMs);
        // Kafka requires delivery.timeout.ms >= linger.ms + request.timeout.ms.
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, timeoutMs + LINGER_MS);
        this.producer = new KafkaProducer<>(props, topic.keySerde().serializer(), topic.valueSerde().serializer());
    }

    /** The topic records go to. */
    Topic<String, byte[]> topic() {
        return topic;
    }

    /**
     * Sends one image record; the future completes when the broker acknowledged it (or failed for good, after the
     * producer's own retries). Never throws: every failure, also one raised while handing the record over,
     * completes the future exceptionally.
     */
    CompletableFuture<RecordMetadata> send(String key, byte[] image, ImageRecord.Metadata metadata) {
        CompletableFuture<RecordMetadata> result = new CompletableFuture<>();
        try {
            ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic.name(), null, key, image,
                    ImageRecord.write(new RecordHeaders(), metadata));
            producer.send(record, (acknowledged, error) -> {
                if (error != null) {
                    result.completeExceptionally(error);
                } else {
                    result.complete(acknowledged);
                }
            });
        } catch (KafkaException | IllegalStateException e) {
            result.completeExceptionally(e);
        }
        return result;
    }

    /** The {@link IngestMetrics} reason for a send that failed with {@code error}. */
    static String failureReason(Throwable error) {
        if (error instanceof TimeoutException) {
            return IngestMetrics.BROKER_TIMEOUT;
        }
        if (error instanceof RecordTooLargeException) {
            return IngestMetrics.TOO_LARGE;
        }
        return IngestMetrics.BROKER_ERROR;
    }

    /** Blocks until every record sent so far is acknowledged or failed. */
    void flush() {
        producer.flush();
    }

    /** Sends what is buffered (waiting at most {@code timeout}) and releases the connection. */
    void close(Duration timeout) {
        producer.close(timeout);
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(30));
    }
}
