package io.vitsom.ingest;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Objects;

/**
 * The ingest counter shared by replay, the folder watcher and the HTTP endpoint: {@value #RECORDS} (exposed to
 * Prometheus as {@code vitsom_ingest_records_total}) with tags {@value #SOURCE} ({@code replay}, {@code folder},
 * {@code http}), {@value #OUTCOME} ({@code accepted}: the broker acknowledged the record; {@code rejected}: it was
 * refused or could not be written) and {@value #REASON} (why it was rejected; {@value #NO_REASON} when accepted).
 * Every sample carries all three tags because Prometheus wants one label set per metric name.
 */
public final class IngestMetrics {
    /** Micrometer name of the counter. */
    public static final String RECORDS = "vitsom.ingest.records";
    /** Tag: where the record came from. */
    public static final String SOURCE = "source";
    /** Tag: {@value #ACCEPTED} or {@value #REJECTED}. */
    public static final String OUTCOME = "outcome";
    /** Tag: the rejection reason. */
    public static final String REASON = "reason";
    /** Outcome of an acknowledged record. */
    public static final String ACCEPTED = "accepted";
    /** Outcome of a refused or unwritable record. */
    public static final String REJECTED = "rejected";
    /** {@value #REASON} of accepted records. */
    public static final String NO_REASON = "none";

    /** The input is empty (0 bytes). */
    public static final String EMPTY = "empty";
    /** The input does not start like a PNG or JPEG. */
    public static final String NOT_AN_IMAGE = "not-an-image";
    /** The input is larger than the configured maximum or than what the broker takes. */
    public static final String TOO_LARGE = "too-large";
    /** The request itself is malformed (e.g. a blank key). */
    public static final String BAD_REQUEST = "bad-request";
    /** The input could not be read (a file vanished or is not readable). */
    public static final String UNREADABLE = "unreadable";
    /** The broker did not acknowledge in time. */
    public static final String BROKER_TIMEOUT = "broker-timeout";
    /** The broker or the client refused the record for another reason. */
    public static final String BROKER_ERROR = "broker-error";

    /** Where records come from: the {@value #SOURCE} tag values. */
    public enum Source {
        REPLAY("replay"), FOLDER("folder"), HTTP("http"),
        /** The validation service: accepted = forwarded to the valid topic, rejected = sent to the DLQ. */
        VALIDATION("validation");

        private final String tag;

        Source(String tag) {
            this.tag = tag;
        }

        /** The tag value. */
        public String tag() {
            return tag;
        }
    }

    private final MeterRegistry registry;
    private final Source source;
    private final Counter accepted;

    /** Counters of one source in {@code registry}; registers the accepted counter right away so it shows as 0. */
    public IngestMetrics(MeterRegistry registry, Source source) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.source = Objects.requireNonNull(source, "source");
        this.accepted = counter(ACCEPTED, NO_REASON);
    }

    /** Counts one acknowledged record. */
    public void accepted() {
        accepted.increment();
    }

    /** Counts one rejected record. */
    public void rejected(String reason) {
        counter(REJECTED, Objects.requireNonNull(reason, "reason")).increment();
    }

    private Counter counter(String outcome, String reason) {
        // register() returns the existing counter for the same name and tags, so this is a lookup after the first.
        return Counter.builder(RECORDS)
                .description("Image records offered to Kafka by ingest, by source and outcome")
                .tag(SOURCE, source.tag())
                .tag(OUTCOME, outcome)
                .tag(REASON, reason)
                .register(registry);
    }
}
