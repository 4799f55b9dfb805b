package io.vitsom.stream;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;

/**
 * Value formats of the {@code som.*} topics: UTF-8 JSON objects with snake_case field names, so any client
 * ({@code kcat}, a Python consumer) reads them without our code. Producers are the learner ({@link ModelVersion},
 * {@link Prototype}, {@link Bmu} on {@code som.training}) and serving ({@link Bmu} on {@code som.assignments}).
 */
public final class Messages {
    private static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .setSerializationInclusion(JsonInclude.Include.NON_NULL)
            // Readers accept fields added by newer writers.
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private Messages() {
    }

    /**
     * A published model version ({@code som.models}, key = {@code "latest"} and the version number, so compaction
     * keeps the newest and the history of versions).
     *
     * @param version monotonically increasing model version (the learner's checkpoint sequence)
     * @param step training steps behind this version
     * @param imagesTrained images trained on in total
     * @param checkpoint absolute path of the checkpoint directory; readers need the same filesystem (a shared
     *     volume when services run on several machines)
     * @param created ISO-8601 time the checkpoint was written
     * @param codeVersion the learner's code version
     * @param seed the learner's seed
     * @param rows map rows
     * @param cols map columns
     * @param topology {@code square} or {@code hexagonal}
     * @param offsets next offset to consume per input partition ({@code topic-partition} -> offset)
     * @param driftMean mean over units of how far each prototype moved since the previous published version, in the
     *     model's own distance ({@code null} for the first version of a lineage, or when not computed); the learner
     *     exports the same value as the gauge {@code vitsom_som_prototype_drift_mean}
     * @param driftMax the largest such movement ({@code null} likewise)
     */
    public record ModelVersion(long version, long step, long imagesTrained, String checkpoint, String created,
                               String codeVersion, long seed, int rows, int cols, String topology,
                               Map<String, Long> offsets, Double driftMean, Double driftMax) {
        public ModelVersion {
            Objects.requireNonNull(checkpoint, "checkpoint");
            offsets = offsets == null ? Map.of() : Map.copyOf(offsets);
        }

        /** This version with its checkpoint at another path (a local copy of the announced one). */
        public ModelVersion withCheckpoint(String newCheckpoint) {
            return new ModelVersion(version, step, imagesTrained, newCheckpoint, created, codeVersion, seed, rows, cols,
                    topology, offsets, driftMean, driftMax);
        }

        /** A version without prototype drift: the first of a lineage, or one not published by the learner. */
        public ModelVersion(long version, long step, long imagesTrained, String checkpoint, String created,
                            String codeVersion, long seed, int rows, int cols, String topology,
                            Map<String, Long> offsets) {
            this(version, step, imagesTrained, checkpoint, created, codeVersion, seed, rows, cols, topology, offsets,
                    null, null);
        }
    }

    /**
     * Something that happened to the map, on {@code som.events} (keyed by {@code type}): a drift detected in one of
     * its signals ({@code "drift"}), a shadow map started or promoted ({@code "shadow-started"},
     * {@code "shadow-promoted"}), novel images released ({@code "novel-released"}), dead units re-seeded
     * ({@code "units-reseeded"}).
     *
     * @param type what happened
     * @param series the signal a drift was seen in ({@code quantization_error}, {@code topographic_error},
     *     {@code hit_map_js}, {@code prototype_drift}); null for other types
     * @param detector {@code page_hinkley} or {@code adwin} for a drift; null otherwise
     * @param magnitude how far the signal moved (new level minus old, in its own units), or how many images or units
     *     an action concerned; null when not applicable
     * @param detectedAt ISO-8601 time
     * @param detectedAtImages fresh images the learner had trained when it happened
     * @param modelVersion the newest published model version at the time
     * @param message one line for people
     */
    public record MapEvent(String type, String series, String detector, Double magnitude, String detectedAt,
                           long detectedAtImages, long modelVersion, String message) {
        public MapEvent {
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(detectedAt, "detectedAt");
        }
    }

    /**
     * Quality of one map over the recent fresh images of its training batches (exponentially weighted over about
     * 2,000 images).
     *
     * @param quantizationError mean BMU distance
     * @param topographicError share of images whose first and second BMU are not grid neighbours
     */
    public record MapQuality(double quantizationError, double topographicError) {
    }

    /**
     * The learner's continual-learning state, on {@code som.learning} every few seconds.
     *
     * @param time ISO-8601 time
     * @param modelVersion newest published version
     * @param step training steps of the live map
     * @param freshImages images from the feed trained so far
     * @param rehearsedImages images from the rehearsal reservoir trained so far
     * @param freshPerSecond fresh images trained per second since the previous state
     * @param rehearsedPerSecond rehearsed images trained per second since the previous state
     * @param reservoirImages images in the reservoir
     * @param plasticity the drift answer's level: 0 at rest, 1 right after a detection
     * @param temperature SOM temperature of the last step
     * @param learningRate learning rate of the last step
     * @param novelImages images quarantined so far
     * @param detections drifts detected so far
     * @param reseededUnits units re-seeded so far
     * @param detectorsArmed whether the drift detectors are armed (past warm-up and any quiet period)
     * @param live the live map's quality
     * @param shadow the shadow map's quality, null when none trains
     */
    public record LearningState(String time, long modelVersion, long step, long freshImages, long rehearsedImages,
                                double freshPerSecond, double rehearsedPerSecond, int reservoirImages,
                                double plasticity, double temperature, double learningRate, long novelImages,
                                long detections, long reseededUnits, boolean detectorsArmed, MapQuality live,
                                MapQuality shadow) {
        public LearningState {
            Objects.requireNonNull(time, "time");
        }
    }

    /**
     * The best-matching unit of one image, on {@code som.training} (learner) and {@code som.assignments}
     * (serving); keyed by the image's record key.
     *
     * @param unit unit index, row-major ({@code row * cols + col})
     * @param row grid row
     * @param col grid column
     * @param distance distance to the unit's prototype, in the model's own distance
     * @param modelVersion the model version that assigned it
     * @param eventTime the image's event time, epoch milliseconds
     * @param label the image's label when known, else {@code null}
     * @param secondUnit the second-best unit (what the topographic error compares), or {@code null} where it was
     *     not computed (the learner's training-time records)
     */
    public record Bmu(int unit, int row, int col, double distance, long modelVersion, long eventTime, String label,
                      Integer secondUnit) {
    }

    /**
     * One unit of the prototype map ({@code som.prototypes}, keyed by unit index).
     *
     * @param unit unit index
     * @param row grid row
     * @param col grid column
     * @param modelVersion the model version the prototype belongs to
     * @param dim length of the prototype vector
     * @param vectorF32 the prototype in latent space: {@code dim} little-endian float32 values, base64 (a JSON
     *     number array would triple the size of the largest records on the topic)
     * @param imagePng the prototype decoded through the decoder, as a base64 PNG ({@code null} when the model
     *     cannot decode prototypes)
     */
    public record Prototype(int unit, int row, int col, long modelVersion, int dim, String vectorF32,
                            String imagePng) {
        /** A prototype record of {@code vector}. */
        public static Prototype of(int unit, int row, int col, long modelVersion, float[] vector, byte[] png) {
            ByteBuffer bytes = ByteBuffer.allocate(vector.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
            bytes.asFloatBuffer().put(vector);
            return new Prototype(unit, row, col, modelVersion, vector.length,
                    Base64.getEncoder().encodeToString(bytes.array()),
                    png == null ? null : Base64.getEncoder().encodeToString(png));
        }

        /** The prototype vector. */
        public float[] vector() {
            ByteBuffer bytes = ByteBuffer.wrap(Base64.getDecoder().decode(vectorF32)).order(ByteOrder.LITTLE_ENDIAN);
            float[] out = new float[dim];
            bytes.asFloatBuffer().get(out);
            return out;
        }
    }

    /** Serializes a message as UTF-8 JSON. */
    public static byte[] toJson(Object message) {
        try {
            return JSON.writeValueAsBytes(message);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Parses a message.
     *
     * @throws IllegalArgumentException when {@code json} is not a valid message of {@code type}
     */
    public static <T> T fromJson(byte[] json, Class<T> type) {
        if (json == null) {
            throw new IllegalArgumentException("null value is not a " + type.getSimpleName());
        }
        try {
            return JSON.readValue(json, type);
        } catch (IOException e) {
            throw new IllegalArgumentException("not a valid " + type.getSimpleName() + ": " + e.getMessage(), e);
        }
    }
}
