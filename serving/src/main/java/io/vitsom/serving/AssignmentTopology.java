package io.vitsom.serving;

import io.vitsom.model.data.DecodedImage;
import io.vitsom.model.infer.Assignments;
import io.vitsom.stream.ImageRecord;
import io.vitsom.stream.Messages;
import io.vitsom.stream.Topic;
import io.vitsom.stream.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The serving topology: reads {@link Topics#imagesValid()}, assigns every image to its best-matching unit with the
 * model in service, and writes one {@link Messages.Bmu} (JSON) per record to {@link Topics#assignments()}, keyed by
 * the input key, with the event time from {@link ImageRecord#EVENT_TIME} (the record timestamp when the header is
 * missing or malformed) and the label from {@link ImageRecord#LABEL} when present.
 *
 * <p>Records are micro-batched for inference: each is buffered in the logged in-memory store {@value #BUFFER_STORE}
 * under a per-task sequence number, and a batch is flushed when the buffer holds {@link BatchConfig#batchSize()}
 * records or every {@link BatchConfig#maxDelay()} of wall-clock time. The buffer is logged because Kafka Streams
 * commits the input offsets of records it has handed to a processor: a record held only in Java memory would be lost
 * by a crash after that commit; from the changelog it is restored and assigned after the restart. Flushed entries are
 * deleted. Outputs follow the input order of each partition (the store iterates by sequence number, and the sequence
 * continues after the largest restored one).
 *
 * <p>The model is read once per batch ({@link ModelSource#acquire()}), so a newer model takes over at the next batch
 * without a restart; while there is no model the records stay buffered. An image that cannot be decoded or does not
 * have the model's input shape (validation happened against the model of its time; models can change) goes to
 * {@link Topics#imagesDlq()} with its original value and headers plus the same dead-letter headers the validation
 * topology writes. An inference failure is not an image's fault: it is thrown, Kafka Streams restarts the thread,
 * and the batch, still in the buffer, is tried again.
 *
 * <p>Every assignment also goes into the {@link TopologyWindow} behind the {@code vitsom_som_*} gauges: this path,
 * unlike the ad-hoc HTTP queries, sees the stream as it is.
 */
public final class AssignmentTopology {
    /** Name of the batch buffer store (its changelog topic is {@code <application.id>-assign-buffer-changelog}). */
    public static final String BUFFER_STORE = "assign-buffer";

    private static final Logger LOG = LoggerFactory.getLogger(AssignmentTopology.class);

    private AssignmentTopology() {
    }

    /**
     * Adds the serving topology to {@code builder}.
     *
     * @param builder the builder to add to
     * @param topics the topic descriptors (valid images in; assignments and dead letters out)
     * @param models the model to assign with, read per batch
     * @param batch the batching policy
     * @param metrics where batch sizes, assignment times and rejections are counted
     * @param window where every assignment goes for the map-quality gauges
     */
    public static void build(StreamsBuilder builder, Topics topics, ModelSource models, BatchConfig batch,
                             ServingMetrics metrics, TopologyWindow window) {
        Objects.requireNonNull(builder, "builder");
        Objects.requireNonNull(topics, "topics");
        Objects.requireNonNull(models, "models");
        Objects.requireNonNull(batch, "batch");
        Objects.requireNonNull(metrics, "metrics");
        Objects.requireNonNull(window, "window");
        Topic<String, byte[]> in = topics.imagesValid();
        Topic<String, byte[]> out = topics.assignments();
        Topic<String, byte[]> dlq = topics.imagesDlq();
        KStream<String, Outcome> outcomes = builder
                .stream(in.name(), Consumed.with(in.keySerde(), in.valueSerde()).withName("valid-images-source"))
                .process(new BatcherSupplier(models, batch, metrics, window), Named.as("assign"));
        outcomes.split(Named.as("outcome-"))
                .branch((key, outcome) -> outcome instanceof Assigned, Branched.withConsumer(assigned -> assigned
                        .mapValues(outcome -> ((Assigned) outcome).json(), Named.as("assignment-json"))
                        .to(out.name(), Produced.with(out.keySerde(), out.valueSerde()).withName("assignments-sink")),
                        "assigned"))
                .defaultBranch(Branched.withConsumer(failed -> failed
                        .mapValues(outcome -> ((Failed) outcome).original(), Named.as("failed-bytes"))
                        .to(dlq.name(), Produced.with(dlq.keySerde(), dlq.valueSerde()).withName("dlq-sink")),
                        "failed"));
    }

    /** What the batcher forwards for one record. */
    sealed interface Outcome permits Assigned, Failed {
    }

    /** @param json the {@link Messages.Bmu} as JSON */
    record Assigned(byte[] json) implements Outcome {
    }

    /** @param original the input value, forwarded unchanged to the DLQ */
    record Failed(byte[] original) implements Outcome {
    }

    /** Builds one batcher per task, and declares the buffer store they share the name of. */
    private record BatcherSupplier(ModelSource models, BatchConfig batch, ServingMetrics metrics,
                                   TopologyWindow window)
            implements ProcessorSupplier<String, byte[], String, Outcome> {
        @Override
        public Processor<String, byte[], String, Outcome> get() {
            return new Batcher(models, batch, metrics, window);
        }

        @Override
        public Set<StoreBuilder<?>> stores() {
            return Set.of(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(BUFFER_STORE), Serdes.Long(),
                    Serdes.ByteArray()).withLoggingEnabled(Map.of()));
        }
    }

    /** Buffers the records of one task and assigns them batch by batch. */
    static final class Batcher implements Processor<String, byte[], String, Outcome> {
        private final ModelSource models;
        private final BatchConfig batch;
        private final ServingMetrics metrics;
        private final TopologyWindow window;
        private ProcessorContext<String, Outcome> context;
        private KeyValueStore<Long, byte[]> buffer;
        private long nextSequence;
        private int buffered;
        /** Arrival time of the oldest buffered record (epoch ms). */
        private long oldestArrivalMs;
        private boolean waitingLogged;

        Batcher(ModelSource models, BatchConfig batch, ServingMetrics metrics, TopologyWindow window) {
            this.models = models;
            this.batch = batch;
            this.metrics = metrics;
            this.window = window;
        }

        @Override
        public void init(ProcessorContext<String, Outcome> newContext) {
            this.context = newContext;
            this.buffer = newContext.getStateStore(BUFFER_STORE);
            // The store has been restored from its changelog by now: continue numbering after the last entry, so
            // restored records are still assigned before the ones that arrive next.
            try (KeyValueIterator<Long, byte[]> all = buffer.all()) {
                while (all.hasNext()) {
                    nextSequence = Math.max(nextSequence, all.next().key + 1);
                    buffered++;
                }
            }
            if (buffered > 0) {
                LOG.info("task {}: {} buffered records restored, assigning them first", newContext.taskId(), buffered);
            }
            oldestArrivalMs = 0; // restored records are already late
            // Checked four times per delay, but a partial batch is flushed only once its oldest record waited the
            // whole delay: a stream thread busy with inference sees the punctuator due at every loop, and flushing
            // on every firing would cut the batches short and starve the model of its batch size.
            Duration check = batch.maxDelay().dividedBy(4);
            newContext.schedule(check.isZero() ? Duration.ofMillis(1) : check, PunctuationType.WALL_CLOCK_TIME,
                    now -> {
                        if (buffered > 0 && now - oldestArrivalMs >= batch.maxDelay().toMillis()) {
                            flush();
                        }
                    });
        }

        @Override
        public void process(Record<String, byte[]> record) {
            Optional<RecordMetadata> origin = context.recordMetadata();
            BufferedRecord entry = new BufferedRecord(record.key(), record.value(),
                    Arrays.asList(record.headers().toArray()), record.timestamp(), context.currentSystemTimeMs(),
                    origin.map(RecordMetadata::topic).orElse(""), origin.map(RecordMetadata::partition).orElse(-1),
                    origin.map(RecordMetadata::offset).orElse(-1L));
            buffer.put(nextSequence++, entry.toBytes());
            if (buffered == 0) {
                oldestArrivalMs = entry.arrivedMs();
            }
            buffered++;
            if (buffered >= batch.batchSize()) {
                flush();
            }
        }

        /** Assigns everything buffered, in batches of at most {@code batchSize}, unless there is no model yet. */
        private void flush() {
            while (buffered > 0) {
                Optional<ServingModel.Lease> lease = models.acquire();
                if (lease.isEmpty()) {
                    if (!waitingLogged) {
                        LOG.info("task {}: no model in service yet, holding {} records", context.taskId(), buffered);
                        waitingLogged = true;
                    }
                    return;
                }
                waitingLogged = false;
                try (ServingModel.Lease held = lease.get()) {
                    assignBatch(held.model(), nextBatch());
                }
                if (buffered > 0) {
                    oldestArrivalMs = oldestBuffered();
                }
            }
        }

        private long oldestBuffered() {
            try (KeyValueIterator<Long, byte[]> all = buffer.all()) {
                return all.hasNext() ? BufferedRecord.fromBytes(all.next().value).arrivedMs() : Long.MAX_VALUE;
            }
        }

        private List<KeyValue<Long, BufferedRecord>> nextBatch() {
            List<KeyValue<Long, BufferedRecord>> entries = new ArrayList<>(Math.min(buffered, batch.batchSize()));
            try (KeyValueIterator<Long, byte[]> all = buffer.all()) {
                while (all.hasNext() && entries.size() < batch.batchSize()) {
                    KeyValue<Long, byte[]> next = all.next();
                    entries.add(KeyValue.pair(next.key, BufferedRecord.fromBytes(next.value)));
                }
            }
            return entries;
        }

        private void assignBatch(ServingModel model, List<KeyValue<Long, BufferedRecord>> entries) {
            List<ImageInput> inputs = new ArrayList<>(entries.size());
            List<DecodedImage> images = new ArrayList<>(entries.size());
            for (KeyValue<Long, BufferedRecord> entry : entries) {
                ImageInput input = ImageInput.of(entry.value.value(), model.validation());
                inputs.add(input);
                if (input instanceof ImageInput.Ready ready) {
                    images.add(ready.image());
                }
            }
            Assignments assignments = model.assign(images);
            if (!images.isEmpty()) {
                metrics.batch(images.size());
            }
            int next = 0;
            long now = context.currentSystemTimeMs();
            for (int i = 0; i < entries.size(); i++) {
                BufferedRecord record = entries.get(i).value;
                ImageInput input = inputs.get(i);
                if (input instanceof ImageInput.Ready) {
                    Messages.Bmu bmu = model.bmu(assignments, next++, eventTime(record),
                            ImageRecord.get(record.copyHeaders(), ImageRecord.LABEL).orElse(null));
                    window.add(model.grid(), bmu);
                    context.forward(new Record<String, Outcome>(record.key(), new Assigned(Messages.toJson(bmu)),
                            record.timestamp(), new RecordHeaders()));
                    metrics.assigned(ServingMetrics.AssignPath.STREAM,
                            Duration.ofMillis(Math.max(0, now - record.arrivedMs())));
                } else if (input instanceof ImageInput.Invalid invalid) {
                    LOG.info("record {} at {}-{}@{} cannot be assigned by model version {}: {} ({})", record.key(),
                            record.topic(), record.partition(), record.offset(), model.version().version(),
                            invalid.reason(), invalid.detail());
                    context.forward(new Record<String, Outcome>(record.key(), new Failed(record.value()),
                            record.timestamp(), deadLetterHeaders(record, invalid)));
                    metrics.rejected(ServingMetrics.AssignPath.STREAM, invalid.reason());
                }
                buffer.delete(entries.get(i).key);
                buffered--;
            }
        }

        private static long eventTime(BufferedRecord record) {
            try {
                return ImageRecord.eventTime(record.copyHeaders()).map(Instant::toEpochMilli)
                        .orElse(record.timestamp());
            } catch (IllegalArgumentException e) {
                // A malformed header does not make the image unassignable; the record timestamp is the producer's
                // next-best statement of when it was produced.
                return record.timestamp();
            }
        }

        private static Headers deadLetterHeaders(BufferedRecord record, ImageInput.Invalid invalid) {
            Headers headers = record.copyHeaders();
            ImageRecord.put(headers, ImageRecord.DLQ_REASON, invalid.reason());
            ImageRecord.put(headers, ImageRecord.DLQ_DETAIL, invalid.detail());
            if (record.partition() >= 0) {
                ImageRecord.put(headers, ImageRecord.DLQ_TOPIC, record.topic());
                ImageRecord.put(headers, ImageRecord.DLQ_PARTITION, Integer.toString(record.partition()));
                ImageRecord.put(headers, ImageRecord.DLQ_OFFSET, Long.toString(record.offset()));
            }
            return headers;
        }
    }
}
