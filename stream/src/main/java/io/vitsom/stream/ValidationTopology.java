package io.vitsom.stream;

import io.vitsom.model.data.DecodedImage;
import io.vitsom.model.data.ImageCodec;
import io.vitsom.model.data.ImageDecodeException;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Validation of raw input: reads {@link Topics#images()}, decodes every value with {@link ImageCodec}, checks it
 * against the model's input spec ({@link ValidationConfig}), converts it when configured, and writes it to
 * {@link Topics#imagesValid()}; every record that fails goes to {@link Topics#imagesDlq()} with its original value
 * and headers plus {@link ImageRecord#DLQ_REASON} and the position of the original record. No record is dropped and
 * no input can stop the topology.
 *
 * <p>Reasons: the codec's ({@value ImageDecodeException#EMPTY} (also for a null value),
 * {@value ImageDecodeException#NOT_AN_IMAGE}, {@value ImageDecodeException#TRUNCATED},
 * {@value ImageDecodeException#CORRUPT}, {@value ImageDecodeException#TOO_LARGE} above the configured
 * {@link io.vitsom.model.data.ImageLimits}), {@value #WRONG_CHANNELS}, {@value #WRONG_SIZE}, and
 * {@value #INTERNAL_ERROR} when checking the record failed in any other way (a bug, or an {@link Error} such as an
 * allocation failure): that record goes to the dead-letter topic and the topology goes on with the next one.
 *
 * <p>Valid records keep their key, headers and original bytes; a converted image is re-encoded as PNG and its
 * {@link ImageRecord#CONTENT_TYPE} becomes {@link ImageRecord#PNG}.
 */
public final class ValidationTopology {
    /** The image has another number of channels than the model and conversion is off. */
    public static final String WRONG_CHANNELS = "wrong-channels";
    /** The image has another size than the model and resizing is off. */
    public static final String WRONG_SIZE = "wrong-size";
    /** Validation itself failed unexpectedly; the record is kept in the DLQ rather than crashing the topology. */
    public static final String INTERNAL_ERROR = "internal-error";

    private static final Logger LOG = LoggerFactory.getLogger(ValidationTopology.class);

    private ValidationTopology() {
    }

    /**
     * Adds the validation topology to {@code builder}.
     *
     * @param builder the builder to add to
     * @param topics the topic descriptors (input, valid output, dead letters)
     * @param config the input spec and allowed conversions
     */
    public static void build(StreamsBuilder builder, Topics topics, ValidationConfig config) {
        build(builder, topics, config, Listener.NONE);
    }

    /** Sees every outcome, e.g. to count rejections by reason; called on the stream thread. */
    public interface Listener {
        /** Does nothing. */
        Listener NONE = new Listener() {
            @Override
            public void accepted() {
            }

            @Override
            public void rejected(String reason) {
            }
        };

        /** A record went to the valid topic. */
        void accepted();

        /** A record went to the dead-letter topic for {@code reason}. */
        void rejected(String reason);
    }

    /**
     * Adds the validation topology to {@code builder}, telling {@code listener} the outcome of every record.
     *
     * @param builder the builder to add to
     * @param topics the topic descriptors (input, valid output, dead letters)
     * @param config the input spec and allowed conversions
     * @param listener sees each outcome
     */
    public static void build(StreamsBuilder builder, Topics topics, ValidationConfig config, Listener listener) {
        Objects.requireNonNull(config, "config");
        build(builder, topics, value -> check(value, config), listener);
    }

    /** The topology with another rule than {@link #check}, so tests can make the rule itself fail. */
    static void build(StreamsBuilder builder, Topics topics, Function<byte[], Outcome> checker, Listener listener) {
        Objects.requireNonNull(builder, "builder");
        Objects.requireNonNull(listener, "listener");
        Objects.requireNonNull(topics, "topics");
        Objects.requireNonNull(checker, "checker");
        Topic<String, byte[]> in = topics.images();
        Topic<String, byte[]> valid = topics.imagesValid();
        Topic<String, byte[]> dlq = topics.imagesDlq();
        KStream<String, Outcome> outcomes = builder
                .stream(in.name(), Consumed.with(in.keySerde(), in.valueSerde()).withName("images-source"))
                .processValues(() -> new Validator(checker, listener), Named.as("validate"));
        outcomes.split(Named.as("outcome-"))
                .branch((key, outcome) -> outcome instanceof Accepted, Branched.withConsumer(accepted -> accepted
                        .mapValues(outcome -> ((Accepted) outcome).image(), Named.as("accepted-bytes"))
                        .to(valid.name(), Produced.with(valid.keySerde(), valid.valueSerde())
                                .withName("valid-sink")), "accepted"))
                .defaultBranch(Branched.withConsumer(rejected -> rejected
                        .mapValues(outcome -> ((Rejected) outcome).original(), Named.as("rejected-bytes"))
                        .to(dlq.name(), Produced.with(dlq.keySerde(), dlq.valueSerde()).withName("dlq-sink")),
                        "rejected"));
    }

    /**
     * Checks one image value; pure, so the learner or serving can apply the same rule to a single image.
     *
     * @return the bytes to forward (the original ones, or a PNG when converted) with their pixels, or the rejection
     */
    public static Outcome check(byte[] value, ValidationConfig config) {
        if (value == null) {
            return new Rejected(ImageDecodeException.EMPTY, "null value (tombstone)", null);
        }
        DecodedImage image;
        try {
            image = ImageCodec.decode(value, config.limits());
        } catch (ImageDecodeException e) {
            return new Rejected(e.reason(), e.getMessage(), value);
        }
        DecodedImage converted = image;
        if (image.channels() != config.channels()) {
            if (!config.convertChannels()) {
                return new Rejected(WRONG_CHANNELS, "image is " + image.shape() + ", the model reads "
                        + config.shape(), value);
            }
            converted = config.channels() == 1 ? ImageCodec.toGray(converted) : ImageCodec.toRgb(converted);
        }
        if (image.height() != config.size() || image.width() != config.size()) {
            if (!config.resize()) {
                return new Rejected(WRONG_SIZE, "image is " + image.shape() + ", the model reads " + config.shape(),
                        value);
            }
            converted = ImageCodec.resize(converted, config.size(), config.size());
        }
        return converted == image
                ? new Accepted(value, false, image)
                : new Accepted(ImageCodec.encodePng(converted), true, converted);
    }

    /** The result of validating one value. */
    public sealed interface Outcome permits Accepted, Rejected {
    }

    /**
     * A valid image.
     *
     * @param image the bytes to forward
     * @param converted whether {@code image} is a re-encoded PNG rather than the input bytes
     * @param pixels the decoded pixels of {@code image}, so that a caller that checks and then infers decodes once
     */
    public record Accepted(byte[] image, boolean converted, DecodedImage pixels) implements Outcome {
    }

    /**
     * A rejected value.
     *
     * @param reason short code (see the class comment)
     * @param detail human-readable explanation
     * @param original the input bytes, forwarded unchanged to the DLQ ({@code null} for a null value)
     */
    public record Rejected(String reason, String detail, byte[] original) implements Outcome {
    }

    /** Validates each record and adds the headers that go with its outcome. */
    private static final class Validator implements FixedKeyProcessor<String, byte[], Outcome> {
        private final Function<byte[], Outcome> checker;
        private final Listener listener;
        private FixedKeyProcessorContext<String, Outcome> context;

        Validator(Function<byte[], Outcome> checker, Listener listener) {
            this.checker = checker;
            this.listener = listener;
        }

        @Override
        public void init(FixedKeyProcessorContext<String, Outcome> newContext) {
            this.context = newContext;
        }

        @Override
        public void process(FixedKeyRecord<String, byte[]> record) {
            Outcome outcome;
            try {
                outcome = checker.apply(record.value());
            } catch (RuntimeException | Error e) {
                // Neither a bug nor an Error (an allocation the limits did not foresee, a linkage problem of an
                // image reader) may stop the stream for every following record: a stopped validation re-reads the
                // same record after each restart. The DLQ keeps the evidence; a real heap exhaustion ends the JVM
                // anyway (the launcher runs with -XX:+ExitOnOutOfMemoryError).
                LOG.error("validation failed unexpectedly for record {} at {}", record.key(), position(), e);
                outcome = new Rejected(INTERNAL_ERROR, e.toString(), record.value());
            }
            // Copy: the input record's headers belong to the caller.
            Headers headers = new RecordHeaders(record.headers().toArray());
            if (outcome instanceof Accepted accepted) {
                listener.accepted();
                if (accepted.converted()) {
                    ImageRecord.put(headers, ImageRecord.CONTENT_TYPE, ImageRecord.PNG);
                }
            } else if (outcome instanceof Rejected rejected) {
                listener.rejected(rejected.reason());
                LOG.info("rejected record {} at {}: {} ({})", record.key(), position(), rejected.reason(),
                        rejected.detail());
                ImageRecord.put(headers, ImageRecord.DLQ_REASON, rejected.reason());
                ImageRecord.put(headers, ImageRecord.DLQ_DETAIL, rejected.detail());
                Optional<RecordMetadata> metadata = context.recordMetadata();
                if (metadata.isPresent()) {
                    ImageRecord.put(headers, ImageRecord.DLQ_TOPIC, metadata.get().topic());
                    ImageRecord.put(headers, ImageRecord.DLQ_PARTITION, Integer.toString(metadata.get().partition()));
                    ImageRecord.put(headers, ImageRecord.DLQ_OFFSET, Long.toString(metadata.get().offset()));
                }
            }
            context.forward(record.withValue(outcome).withHeaders(headers));
        }

        private String position() {
            return context.recordMetadata()
                    .map(m -> m.topic() + "-" + m.partition() + "@" + m.offset())
                    .orElse("(unknown position)");
        }
    }
}
