package io.vitsom.learner;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vitsom.model.metrics.TopologyMetrics;
import io.vitsom.model.train.StepResult;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * The learner's Micrometer meters ({@code vitsom_learner_*} in Prometheus), and how far the map moved between the
 * last two published versions: {@value #PROTOTYPE_DRIFT_MEAN} and {@value #PROTOTYPE_DRIFT_MAX}, the mean and the
 * largest per-unit distance between a unit's prototype in the previous version and in the newest, in the model's own
 * distance (NaN until a version has a predecessor: the first of a fresh model, or the checkpoint loaded at a
 * restart). Values are written by the learner thread and read by the scraping thread, hence the atomics.
 */
public final class LearnerMetrics {
    /** Prometheus name of the mean prototype drift between the last two published versions. */
    public static final String PROTOTYPE_DRIFT_MEAN = "vitsom_som_prototype_drift_mean";
    /** Prometheus name of the largest prototype drift between the last two published versions. */
    public static final String PROTOTYPE_DRIFT_MAX = "vitsom_som_prototype_drift_max";

    private final MeterRegistry registry;
    private final Timer stepTimer;
    private final Timer checkpointTimer;
    private final Counter images;
    private final Counter steps;
    private final Counter rejected;
    private final AtomicLong reconLoss = new AtomicLong(Double.doubleToLongBits(Double.NaN));
    private final AtomicLong somLoss = new AtomicLong(Double.doubleToLongBits(Double.NaN));
    private final AtomicLong totalLoss = new AtomicLong(Double.doubleToLongBits(Double.NaN));
    private final AtomicLong temperature = new AtomicLong(Double.doubleToLongBits(Double.NaN));
    private final AtomicLong gamma = new AtomicLong(Double.doubleToLongBits(Double.NaN));
    private final AtomicLong learningRate = new AtomicLong(Double.doubleToLongBits(Double.NaN));
    private final AtomicLong imagesPerSecond = new AtomicLong(Double.doubleToLongBits(0));
    private final AtomicLong modelVersion = new AtomicLong();
    private final AtomicLong lastCheckpointMillis = new AtomicLong();
    private final AtomicLong driftMean = new AtomicLong(Double.doubleToLongBits(Double.NaN));
    private final AtomicLong driftMax = new AtomicLong(Double.doubleToLongBits(Double.NaN));
    private final Map<TopicPartition, AtomicLong> lag = new ConcurrentHashMap<>();
    private final Counter fresh;
    private final Counter rehearsed;
    private final Counter novel;
    private final Counter reseeded;
    private final AtomicLong freshPerSecond = new AtomicLong(Double.doubleToLongBits(0));
    private final AtomicLong rehearsedPerSecond = new AtomicLong(Double.doubleToLongBits(0));
    private final AtomicLong reservoirImages = new AtomicLong();
    private final AtomicLong plasticity = new AtomicLong(Double.doubleToLongBits(0));
    private final AtomicLong detectorsArmed = new AtomicLong();
    private final AtomicLong shadowActive = new AtomicLong();
    private final AtomicLong liveQe = new AtomicLong(Double.doubleToLongBits(Double.NaN));
    private final AtomicLong liveTe = new AtomicLong(Double.doubleToLongBits(Double.NaN));
    private final AtomicLong shadowQe = new AtomicLong(Double.doubleToLongBits(Double.NaN));
    private final AtomicLong shadowTe = new AtomicLong(Double.doubleToLongBits(Double.NaN));

    public LearnerMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.stepTimer = Timer.builder("vitsom_learner_step").description("Time of one training step")
                .register(registry);
        this.checkpointTimer = Timer.builder("vitsom_learner_checkpoint").description("Time to write and publish a checkpoint")
                .register(registry);
        this.images = Counter.builder("vitsom_learner_images").description("Images trained on").register(registry);
        this.steps = Counter.builder("vitsom_learner_steps").description("Training steps taken").register(registry);
        this.rejected = Counter.builder("vitsom_learner_rejected_images")
                .description("Images the learner could not use (sent to the DLQ)").register(registry);
        gauge("vitsom_learner_loss", "Last step's loss term", reconLoss, "term", "reconstruction");
        gauge("vitsom_learner_loss", "Last step's loss term", somLoss, "term", "som");
        gauge("vitsom_learner_loss", "Last step's loss term", totalLoss, "term", "total");
        gauge("vitsom_learner_temperature", "SOM neighbourhood temperature of the last step", temperature);
        gauge("vitsom_learner_gamma", "SOM-loss weight of the last step", gamma);
        gauge("vitsom_learner_learning_rate", "Learning rate of the last step", learningRate);
        gauge("vitsom_learner_images_per_second", "Training throughput of the last step", imagesPerSecond);
        Gauge.builder("vitsom_learner_model_version", modelVersion, AtomicLong::get)
                .description("Version of the last checkpoint").register(registry);
        Gauge.builder("vitsom_learner_checkpoint_age_seconds", lastCheckpointMillis,
                        t -> t.get() == 0 ? Double.NaN : (System.currentTimeMillis() - t.get()) / 1000.0)
                .description("Seconds since the last checkpoint").register(registry);
        gauge(PROTOTYPE_DRIFT_MEAN, "Mean over units of how far a prototype moved between the last two published "
                + "versions, in the model's own distance", driftMean);
        gauge(PROTOTYPE_DRIFT_MAX, "Largest distance a prototype moved between the last two published versions, in "
                + "the model's own distance", driftMax);
        this.fresh = Counter.builder("vitsom_learner_fresh_images")
                .description("Images from the feed trained on").register(registry);
        this.rehearsed = Counter.builder("vitsom_learner_rehearsed_images")
                .description("Images from the rehearsal reservoir trained on").register(registry);
        this.novel = Counter.builder("vitsom_learner_novel_images")
                .description("Images quarantined as novel (sent to images.novel, not trained)").register(registry);
        this.reseeded = Counter.builder("vitsom_learner_units_reseeded")
                .description("Dead units re-seeded from high-error images").register(registry);
        // Every series a detector can fire on exists from the start at 0, so dashboards and alerts see the metric
        // before the first drift (and rate() over it works).
        for (String[] pair : new String[][] {{"quantization_error", "page_hinkley"}, {"quantization_error", "adwin"},
                {"topographic_error", "page_hinkley"}, {"topographic_error", "adwin"},
                {"hit_map_js", "page_hinkley"}, {"prototype_drift", "page_hinkley"}}) {
            detectionCounter(pair[0], pair[1]);
        }
        gauge("vitsom_learner_fresh_images_per_second", "Fresh images trained per second, recent", freshPerSecond);
        gauge("vitsom_learner_rehearsed_images_per_second", "Rehearsed images trained per second, recent",
                rehearsedPerSecond);
        Gauge.builder("vitsom_learner_rehearsal_reservoir_images", reservoirImages, AtomicLong::get)
                .description("Images in the rehearsal reservoir").register(registry);
        gauge("vitsom_learner_plasticity", "Level of the answer to the last drift: 0 at rest, 1 right after it",
                plasticity);
        Gauge.builder("vitsom_learner_drift_detectors_armed", detectorsArmed, AtomicLong::get)
                .description("1 while the drift detectors are armed").register(registry);
        Gauge.builder("vitsom_learner_shadow_active", shadowActive, AtomicLong::get)
                .description("1 while a shadow map trains beside the live one").register(registry);
        gauge("vitsom_learner_map_quantization_error", "Quantization error over recent fresh training images",
                liveQe, "map", "live");
        gauge("vitsom_learner_map_topographic_error", "Topographic error over recent fresh training images",
                liveTe, "map", "live");
        gauge("vitsom_learner_map_quantization_error", "Quantization error over recent fresh training images",
                shadowQe, "map", "shadow");
        gauge("vitsom_learner_map_topographic_error", "Topographic error over recent fresh training images",
                shadowTe, "map", "shadow");
    }

    private void gauge(String name, String description, AtomicLong bits, String... tags) {
        Gauge.builder(name, bits, b -> Double.longBitsToDouble(b.get())).description(description).tags(tags)
                .register(registry);
    }

    void step(StepResult result, int batch, long nanos) {
        stepTimer.record(nanos, TimeUnit.NANOSECONDS);
        images.increment(batch);
        steps.increment();
        reconLoss.set(Double.doubleToLongBits(result.reconLoss()));
        somLoss.set(Double.doubleToLongBits(result.somLoss()));
        totalLoss.set(Double.doubleToLongBits(result.totalLoss()));
        temperature.set(Double.doubleToLongBits(result.temperature()));
        gamma.set(Double.doubleToLongBits(result.gamma()));
        learningRate.set(Double.doubleToLongBits(result.learningRate()));
        imagesPerSecond.set(Double.doubleToLongBits(batch / (nanos / 1e9)));
    }

    /** What one continual-learning step trained: images from the feed and from the reservoir. */
    void trained(int freshImages, int rehearsedImages) {
        fresh.increment(freshImages);
        rehearsed.increment(rehearsedImages);
    }

    void novel(int count) {
        novel.increment(count);
    }

    void reseeded(int units) {
        reseeded.increment(units);
    }

    /** A drift detected: {@code vitsom_som_drift_detections_total{series,detector}}. */
    void detection(String series, String detector) {
        detectionCounter(series, detector).increment();
    }

    private Counter detectionCounter(String series, String detector) {
        return Counter.builder("vitsom_som_drift_detections").description("Drifts detected in the map's own signals")
                .tags("series", series, "detector", detector).register(registry);
    }

    /** The continual learner's state, every few seconds. */
    void learning(ContinualTrainerView view) {
        freshPerSecond.set(Double.doubleToLongBits(view.freshPerSecond()));
        rehearsedPerSecond.set(Double.doubleToLongBits(view.rehearsedPerSecond()));
        reservoirImages.set(view.reservoirImages());
        plasticity.set(Double.doubleToLongBits(view.plasticity()));
        detectorsArmed.set(view.detectorsArmed() ? 1 : 0);
        shadowActive.set(view.shadowActive() ? 1 : 0);
        liveQe.set(Double.doubleToLongBits(view.liveQe()));
        liveTe.set(Double.doubleToLongBits(view.liveTe()));
        shadowQe.set(Double.doubleToLongBits(view.shadowQe()));
        shadowTe.set(Double.doubleToLongBits(view.shadowTe()));
    }

    /** What {@link #learning} exports, read off the continual learner on its thread. */
    record ContinualTrainerView(double freshPerSecond, double rehearsedPerSecond, int reservoirImages,
                                double plasticity, boolean detectorsArmed, boolean shadowActive, double liveQe,
                                double liveTe, double shadowQe, double shadowTe) {
    }

    void rejected() {
        rejected.increment();
    }

    /** A record the producer gave up on ({@code vitsom_learner_produce_failures_total{topic}}). */
    void produceFailed(String topic) {
        Counter.builder("vitsom_learner_produce_failures").description("Records the learner failed to produce")
                .tag("topic", topic).register(registry).increment();
    }

    /**
     * Records of {@code partition} that retention deleted before the learner read them and that it skipped
     * ({@code --on-retention-gap skip}): {@code vitsom_learner_retention_skipped_records_total{partition}}.
     */
    void retentionSkipped(String partition, long records) {
        Counter.builder("vitsom_learner_retention_skipped_records")
                .description("Records lost to retention before the learner read them, skipped by policy")
                .tag("partition", partition).register(registry).increment(records);
    }

    void checkpoint(long version, long nanos) {
        checkpointTimer.record(nanos, TimeUnit.NANOSECONDS);
        modelVersion.set(version);
        lastCheckpointMillis.set(System.currentTimeMillis());
    }

    /** Records how far the prototypes moved from the previous published version to the newest. */
    void drift(TopologyMetrics.Drift drift) {
        driftMean.set(Double.doubleToLongBits(drift.mean()));
        driftMax.set(Double.doubleToLongBits(drift.max()));
    }

    /** Reads the consumer's lag per partition (records between its position and the end of the log). */
    void lag(KafkaConsumer<?, ?> consumer) {
        for (TopicPartition tp : consumer.assignment()) {
            OptionalLong value = consumer.currentLag(tp);
            if (value.isPresent()) {
                lag.computeIfAbsent(tp, p -> {
                    AtomicLong holder = new AtomicLong();
                    Gauge.builder("vitsom_learner_consumer_lag", holder, AtomicLong::get)
                            .description("Records not yet consumed by the learner")
                            .tags("topic", p.topic(), "partition", Integer.toString(p.partition()))
                            .register(registry);
                    return holder;
                }).set(value.getAsLong());
            }
        }
    }

    double lastLoss() {
        return Double.longBitsToDouble(totalLoss.get());
    }

    double temperature() {
        return Double.longBitsToDouble(temperature.get());
    }

    double learningRate() {
        return Double.longBitsToDouble(learningRate.get());
    }

    double gamma() {
        return Double.longBitsToDouble(gamma.get());
    }

    /** Version of the last checkpoint (0 before the first). */
    public long modelVersion() {
        return modelVersion.get();
    }
}
