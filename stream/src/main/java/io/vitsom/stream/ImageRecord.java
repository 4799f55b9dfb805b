package io.vitsom.stream;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * The record format of {@code images} and {@code images.valid}: the value is the encoded image (PNG or JPEG bytes,
 * exactly as a file would hold them) and the metadata travels in headers. Every header value is UTF-8 text, so
 * generic clients ({@code kcat -f '%h'}) show it as is.
 *
 * <table>
 *   <caption>headers</caption>
 *   <tr><th>header</th><th>value</th><th>required</th></tr>
 *   <tr><td>{@value #CONTENT_TYPE}</td><td>{@code image/png} or {@code image/jpeg}</td><td>yes</td></tr>
 *   <tr><td>{@value #SOURCE}</td><td>where the image came from, e.g. {@code replay:mnist},
 *       {@code folder:/in/a.png}, {@code http}</td><td>yes</td></tr>
 *   <tr><td>{@value #LABEL}</td><td>the class label, when known</td><td>no</td></tr>
 *   <tr><td>{@value #EVENT_TIME}</td><td>when the image was produced, milliseconds since the epoch (decimal)</td>
 *       <td>yes</td></tr>
 * </table>
 *
 * <p>Records rejected by validation carry, in addition, {@value #DLQ_REASON} (a short code, see
 * {@link ValidationTopology}), {@value #DLQ_DETAIL} (a human-readable message) and the position of the original
 * record: {@value #DLQ_TOPIC}, {@value #DLQ_PARTITION}, {@value #DLQ_OFFSET}.
 */
public final class ImageRecord {
    /** MIME type of the value. */
    public static final String CONTENT_TYPE = "vitsom.content-type";
    /** Producer-defined origin of the image. */
    public static final String SOURCE = "vitsom.source";
    /** Class label, absent when unknown. */
    public static final String LABEL = "vitsom.label";
    /** Event time in epoch milliseconds. */
    public static final String EVENT_TIME = "vitsom.event-time";
    /** Why a record was rejected (DLQ only). */
    public static final String DLQ_REASON = "vitsom.dlq.reason";
    /** Human-readable explanation of the rejection (DLQ only). */
    public static final String DLQ_DETAIL = "vitsom.dlq.detail";
    /** Topic of the rejected record (DLQ only). */
    public static final String DLQ_TOPIC = "vitsom.dlq.topic";
    /** Partition of the rejected record (DLQ only). */
    public static final String DLQ_PARTITION = "vitsom.dlq.partition";
    /** Offset of the rejected record (DLQ only). */
    public static final String DLQ_OFFSET = "vitsom.dlq.offset";

    /** Content type of PNG values. */
    public static final String PNG = "image/png";
    /** Content type of JPEG values. */
    public static final String JPEG = "image/jpeg";

    private ImageRecord() {
    }

    /**
     * Metadata of one image record.
     *
     * @param contentType {@link #PNG} or {@link #JPEG}
     * @param source where the image came from
     * @param label the class label, when known
     * @param eventTime when the image was produced
     */
    public record Metadata(String contentType, String source, Optional<String> label, Instant eventTime) {
        public Metadata {
            Objects.requireNonNull(contentType, "contentType");
            Objects.requireNonNull(source, "source");
            Objects.requireNonNull(label, "label");
            Objects.requireNonNull(eventTime, "eventTime");
        }
    }

    /** Writes {@code metadata} into {@code headers}, replacing earlier values of the same headers. */
    public static Headers write(Headers headers, Metadata metadata) {
        put(headers, CONTENT_TYPE, metadata.contentType());
        put(headers, SOURCE, metadata.source());
        headers.remove(LABEL);
        metadata.label().ifPresent(label -> put(headers, LABEL, label));
        put(headers, EVENT_TIME, Long.toString(metadata.eventTime().toEpochMilli()));
        return headers;
    }

    /**
     * Reads the metadata back.
     *
     * @throws IllegalArgumentException naming the header when a required header is missing or malformed
     */
    public static Metadata read(Headers headers) {
        return new Metadata(require(headers, CONTENT_TYPE), require(headers, SOURCE), get(headers, LABEL),
                eventTime(headers).orElseThrow(() -> new IllegalArgumentException("missing header " + EVENT_TIME)));
    }

    /** Replaces any value of header {@code key} with {@code value} (UTF-8). */
    public static void put(Headers headers, String key, String value) {
        headers.remove(key);
        headers.add(key, value.getBytes(StandardCharsets.UTF_8));
    }

    /** The last value of header {@code key} as UTF-8 text, if present. */
    public static Optional<String> get(Headers headers, String key) {
        Header header = headers.lastHeader(key);
        if (header == null || header.value() == null) {
            return Optional.empty();
        }
        return Optional.of(new String(header.value(), StandardCharsets.UTF_8));
    }

    /**
     * The event time header, if present.
     *
     * @throws IllegalArgumentException when it is present but not a decimal number
     */
    public static Optional<Instant> eventTime(Headers headers) {
        Optional<String> millis = get(headers, EVENT_TIME);
        if (millis.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Instant.ofEpochMilli(Long.parseLong(millis.get().trim())));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("header " + EVENT_TIME + " must be epoch milliseconds, got '"
                    + millis.get() + "'", e);
        }
    }

    private static String require(Headers headers, String key) {
        return get(headers, key).orElseThrow(() -> new IllegalArgumentException("missing header " + key));
    }
}
