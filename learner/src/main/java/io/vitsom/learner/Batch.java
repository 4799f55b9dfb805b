package io.vitsom.learner;

import io.vitsom.model.map.MapModelConfig;
import io.vitsom.model.data.DecodedImage;
import io.vitsom.stream.ImageRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * The fresh images of the next step: pixels in the model's layout (unsigned bytes, CHW) plus, per image, what the
 * training record, the quarantine and the checkpoint need (the record itself, label, event time). Records the learner
 * skipped (sent to the DLQ) still move the batch's offsets, so they are not read again once the batch is trained.
 */
final class Batch {
    private final int capacity;
    private final int imageSize;
    private final byte[] pixels;
    private final List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
    private final List<String> keys = new ArrayList<>();
    private final List<String> labels = new ArrayList<>();
    private final List<Long> eventTimes = new ArrayList<>();
    private final List<Integer> partitions = new ArrayList<>();
    private final List<Long> offsets = new ArrayList<>();
    private final Map<TopicPartition, Long> nextOffsets = new LinkedHashMap<>();
    private long firstArrival;

    Batch(MapModelConfig config) {
        this.capacity = config.batchSize();
        this.imageSize = config.imageFloats();
        this.pixels = new byte[capacity * imageSize];
    }

    void add(ConsumerRecord<String, byte[]> record, DecodedImage image) {
        if (full()) {
            throw new IllegalStateException("batch is full");
        }
        touch();
        System.arraycopy(image.chw(), 0, pixels, size() * imageSize, imageSize);
        records.add(record);
        keys.add(record.key());
        labels.add(ImageRecord.get(record.headers(), ImageRecord.LABEL).orElse(null));
        long eventTime;
        try {
            eventTime = ImageRecord.eventTime(record.headers()).map(Instant::toEpochMilli).orElse(record.timestamp());
        } catch (IllegalArgumentException e) {
            eventTime = record.timestamp();
        }
        eventTimes.add(eventTime);
        partitions.add(record.partition());
        offsets.add(record.offset());
        nextOffsets.put(new TopicPartition(record.topic(), record.partition()), record.offset() + 1);
    }

    /** Records that a record at {@code offset} was consumed without joining the batch. */
    void skip(TopicPartition tp, long offset) {
        touch();
        nextOffsets.put(tp, offset + 1);
    }

    private void touch() {
        if (isEmpty()) {
            firstArrival = System.nanoTime();
        }
    }

    int size() {
        return keys.size();
    }

    boolean full() {
        return size() == capacity;
    }

    /** No image and no skipped record. */
    boolean isEmpty() {
        return keys.isEmpty() && nextOffsets.isEmpty();
    }

    /** How long the oldest record has waited. */
    Duration waited() {
        return isEmpty() ? Duration.ZERO : Duration.ofNanos(System.nanoTime() - firstArrival);
    }

    /** The pixels of the images added so far, in the first {@code size() * C * H * W} bytes. */
    byte[] pixels() {
        return pixels;
    }

    /** The record of image {@code i}. */
    ConsumerRecord<String, byte[]> record(int i) {
        return records.get(i);
    }

    String key(int i) {
        return keys.get(i);
    }

    String label(int i) {
        return labels.get(i);
    }

    long eventTime(int i) {
        return eventTimes.get(i);
    }

    int partition(int i) {
        return partitions.get(i);
    }

    long offset(int i) {
        return offsets.get(i);
    }

    /** Per partition, the offset after the last record consumed into this batch. */
    Map<TopicPartition, Long> nextOffsets() {
        return nextOffsets;
    }

    void clear() {
        records.clear();
        keys.clear();
        labels.clear();
        eventTimes.clear();
        partitions.clear();
        offsets.clear();
        nextOffsets.clear();
    }
}
