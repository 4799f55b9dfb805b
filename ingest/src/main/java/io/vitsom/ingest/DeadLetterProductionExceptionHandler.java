package io.vitsom.ingest;

import io.vitsom.stream.ImageRecord;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What validation does when Kafka refuses to store an output record (e.g. an image larger than the valid topic's
 * {@code max.message.bytes}): the original input record goes to the dead-letter topic (named by
 * {@value StreamsConfig#ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG}) with reason {@value #TOO_LARGE} or
 * {@value #PRODUCTION_ERROR} and its position, and processing continues, so one bad record neither stops the
 * stream nor disappears. Retriable errors are retried. When the dead-letter topic itself refuses a record there is
 * nowhere left to put it: the handler logs it and fails, which stops the application (its offsets are not
 * committed, so nothing is lost and the record is read again after the cause is fixed).
 */
public final class DeadLetterProductionExceptionHandler implements ProductionExceptionHandler {
    /** Kafka refused the record as too large. */
    public static final String TOO_LARGE = "too-large";
    /** Kafka refused the record for another non-retriable reason. */
    public static final String PRODUCTION_ERROR = "production-error";

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterProductionExceptionHandler.class);

    private String deadLetterTopic;

    @Override
    public void configure(Map<String, ?> configs) {
        Object topic = configs.get(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG);
        if (topic == null || topic.toString().isBlank()) {
            throw new ConfigException(getClass().getSimpleName() + " needs "
                    + StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG + " (the dead-letter topic)");
        }
        deadLetterTopic = topic.toString();
    }

    @Override
    public Response handleError(ErrorHandlerContext context, ProducerRecord<byte[], byte[]> record,
                                Exception exception) {
        String origin = context.topic() + "-" + context.partition() + "@" + context.offset();
        if (exception instanceof RetriableException) {
            LOG.warn("writing the record from {} to {} failed, retrying: {}", origin, record.topic(),
                    exception.toString());
            return Response.retry();
        }
        if (deadLetterTopic.equals(record.topic())) {
            LOG.error("the dead-letter topic {} refused the record from {}; stopping validation so that it is not "
                    + "lost (it is read again after a restart): {}", deadLetterTopic, origin, exception.toString());
            return Response.fail();
        }
        String reason = exception instanceof RecordTooLargeException ? TOO_LARGE : PRODUCTION_ERROR;
        LOG.error("{} refused the record from {} ({}); sending it to {} instead: {}", record.topic(), origin, reason,
                deadLetterTopic, exception.toString());
        // The input record's headers and bytes, as the dead-letter contract promises (the output may be a converted
        // image with another content type).
        Headers headers = new RecordHeaders((context.headers() != null ? context.headers() : record.headers())
                .toArray());
        ImageRecord.put(headers, ImageRecord.DLQ_REASON, reason);
        ImageRecord.put(headers, ImageRecord.DLQ_DETAIL, "writing to " + record.topic() + " failed: " + exception);
        ImageRecord.put(headers, ImageRecord.DLQ_TOPIC, context.topic());
        ImageRecord.put(headers, ImageRecord.DLQ_PARTITION, Integer.toString(context.partition()));
        ImageRecord.put(headers, ImageRecord.DLQ_OFFSET, Long.toString(context.offset()));
        byte[] key = context.sourceRawKey() != null ? context.sourceRawKey() : record.key();
        byte[] value = context.sourceRawValue() != null ? context.sourceRawValue() : record.value();
        return Response.resume(List.of(new ProducerRecord<>(deadLetterTopic, null, key, value, headers)));
    }
}
