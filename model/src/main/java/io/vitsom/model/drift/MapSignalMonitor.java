package io.vitsom.model.drift;

import io.vitsom.model.adapt.AdaptationConfig;
import io.vitsom.model.som.SomGrid;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Watches a map's own quality signals for changes: the quantization error and topographic error of every fresh
 * image, the Jensen-Shannon divergence between the hit maps of consecutive windows, and the prototypes' drift per
 * published version. Each signal runs through a Page-Hinkley test (on the signal in units of its spread, measured
 * over a calibration period, so one threshold fits signals of any scale) and, for the per-image signals, ADWIN;
 * only increases count, since a map that gets better is no alarm.
 *
 * <p>The monitor stays silent while the map organises ({@code warmupImages}) and after each detection until
 * {@link #quietUntil} (while plasticity control re-heats the map, its signals move by design); each time it arms
 * again it recalibrates, because the feed after a drift is a new regime.
 */
public final class MapSignalMonitor {
    /** The signals watched. */
    public enum Series {
        /** BMU distance of each fresh image. */
        QUANTIZATION_ERROR("quantization_error"),
        /** 1 when an image's first and second BMU are not grid neighbours, else 0. */
        TOPOGRAPHIC_ERROR("topographic_error"),
        /** Jensen-Shannon divergence (base 2) between the hit maps of consecutive windows. */
        HIT_MAP_DIVERGENCE("hit_map_js"),
        /** Mean prototype movement between consecutive published versions. */
        PROTOTYPE_DRIFT("prototype_drift");

        private final String key;

        Series(String key) {
            this.key = key;
        }

        /** Name in events, metrics and reports. */
        public String key() {
            return key;
        }
    }

    private final AdaptationConfig.Detection settings;
    private final SomGrid grid;
    private final Map<Series, Watch> watches = new EnumMap<>(Series.class);
    private long[] hits;
    private long[] previousHits;
    private int hitWindowFill;
    private long images;
    private long armAt;
    private long armedImages;
    private double windowQe;
    private double windowTe;
    private int windowCount;
    private final Map<Series, Double> latest = new EnumMap<>(Series.class);

    public MapSignalMonitor(AdaptationConfig.Detection settings, SomGrid grid) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.grid = Objects.requireNonNull(grid, "grid");
        this.hits = new long[grid.units()];
        this.armAt = settings.warmupImages();
        int windows = Math.max(8, settings.calibrationImages() / settings.hitWindowImages());
        // Per-image signals wait for 30 observations before Page-Hinkley may fire, as River's default; a window
        // signal arrives once per window or version, so 30 of them would be half an hour of a live feed.
        watches.put(Series.QUANTIZATION_ERROR, new Watch(settings.calibrationImages(), 30, true));
        watches.put(Series.TOPOGRAPHIC_ERROR, new Watch(settings.calibrationImages(), 30, true));
        watches.put(Series.HIT_MAP_DIVERGENCE, new Watch(windows, 3, false));
        watches.put(Series.PROTOTYPE_DRIFT, new Watch(5, 3, false));
    }

    /**
     * Takes the fresh images of one step: {@code bmus[i]}, {@code secondBmus[i]} and {@code distances[i]} for
     * {@code i < count}. Returns the changes detected (empty while not armed or with detection off).
     */
    public List<DriftEvent> observe(long[] bmus, long[] secondBmus, float[] distances, int count) {
        List<DriftEvent> events = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            images++;
            int bmu = (int) bmus[i];
            double qe = distances[i];
            double te = grid.adjacent(bmu, (int) secondBmus[i]) ? 0 : 1;
            windowQe += qe;
            windowTe += te;
            windowCount++;
            hits[bmu]++;
            hitWindowFill++;
            if (armed()) {
                armedImages++;
                offer(Series.QUANTIZATION_ERROR, qe, events);
                offer(Series.TOPOGRAPHIC_ERROR, te, events);
            }
            if (hitWindowFill == settings.hitWindowImages()) {
                closeHitWindow(events);
            }
        }
        return events;
    }

    /** Takes the prototypes' mean movement since the previous version. */
    public List<DriftEvent> observePrototypeDrift(double meanDrift) {
        latest.put(Series.PROTOTYPE_DRIFT, meanDrift);
        List<DriftEvent> events = new ArrayList<>();
        if (armed()) {
            offer(Series.PROTOTYPE_DRIFT, meanDrift, events);
        }
        return events;
    }

    private void closeHitWindow(List<DriftEvent> events) {
        latest.put(Series.QUANTIZATION_ERROR, windowQe / windowCount);
        latest.put(Series.TOPOGRAPHIC_ERROR, windowTe / windowCount);
        windowQe = 0;
        windowTe = 0;
        windowCount = 0;
        if (previousHits != null) {
            double js = JensenShannon.divergence(previousHits, hits);
            latest.put(Series.HIT_MAP_DIVERGENCE, js);
            if (armed()) {
                offer(Series.HIT_MAP_DIVERGENCE, js, events);
            }
        }
        long[] spare = previousHits == null ? new long[hits.length] : previousHits;
        previousHits = hits;
        java.util.Arrays.fill(spare, 0);
        hits = spare;
        hitWindowFill = 0;
    }

    private void offer(Series series, double value, List<DriftEvent> events) {
        if (!settings.enabled() || !events.isEmpty()) {
            return;
        }
        watches.get(series).offer(value).ifPresent(found -> {
            events.add(new DriftEvent(series.key(), found.detector, found.magnitude, images));
            // One change, one event: every watch starts over, silent until quietUntil() says otherwise.
            watches.values().forEach(Watch::restart);
        });
    }

    /** Keeps the detectors silent until {@code imagesSeen} fresh images (while the answer to a drift runs). */
    public void quietUntil(long imagesSeen) {
        armAt = Math.max(armAt, imagesSeen);
        watches.values().forEach(Watch::restart);
    }

    /**
     * Arms the detectors from {@code imagesSeen} fresh images on (but not before the warm-up): the map has organised.
     * Unlike {@link #quietUntil} this may move the arming point earlier, from a hold of {@link Long#MAX_VALUE}.
     */
    public void armFrom(long imagesSeen) {
        armAt = Math.max(settings.warmupImages(), imagesSeen);
        watches.values().forEach(Watch::restart);
    }

    /** Whether the detectors are armed (past the warm-up and any quiet period). */
    public boolean armed() {
        return settings.enabled() && images >= armAt;
    }

    /** Fresh images seen. */
    public long images() {
        return images;
    }

    /**
     * Fresh images seen while armed (calibration included), since this monitor was created: how long the detectors
     * watched, for a benchmark's false-alarm rate. Counted by this object only: not checkpointed, and
     * {@link #resumeAt} does not change it.
     */
    public long armedImages() {
        return armedImages;
    }

    /**
     * The latest window value of each signal (mean QE, TE rate and hit-map divergence of the last complete
     * window; the last prototype drift), NaN before the first.
     */
    public double latest(Series series) {
        return latest.getOrDefault(series, Double.NaN);
    }

    /** Restores the image count of a restarted learner, so warm-up and quiet periods keep their meaning. */
    public void resumeAt(long imagesSeen, long quietUntilImages) {
        images = imagesSeen;
        armAt = Math.max(settings.warmupImages(), quietUntilImages);
    }

    private record Found(String detector, double magnitude) {
    }

    /** One signal's detectors with its calibration. */
    private final class Watch {
        private final int calibration;
        private final int minInstances;
        private final boolean withAdwin;
        private double sum;
        private double sumSquares;
        private int seen;
        private double mean;
        private double spread;
        private PageHinkley pageHinkley;
        private Adwin adwin;

        Watch(int calibration, int minInstances, boolean withAdwin) {
            this.calibration = calibration;
            this.minInstances = minInstances;
            this.withAdwin = withAdwin;
            restart();
        }

        void restart() {
            sum = 0;
            sumSquares = 0;
            seen = 0;
            // No forgetting (alpha 1): with River's 1 - 1e-4 the cumulative sum wanders around an equilibrium by about
            // 70 spreads, far past any useful threshold, and a long stationary stream raises false alarms.
            pageHinkley = new PageHinkley(minInstances, settings.phDelta(), settings.phThreshold(), 1.0,
                    PageHinkley.Direction.INCREASE);
            adwin = withAdwin ? new Adwin(settings.adwinDelta(), 32, 5, 5, 10) : null;
        }

        java.util.Optional<Found> offer(double value) {
            if (!Double.isFinite(value)) {
                return java.util.Optional.empty();
            }
            if (seen < calibration) {
                sum += value;
                sumSquares += value * value;
                seen++;
                if (seen == calibration) {
                    mean = sum / seen;
                    double variance = Math.max(0, sumSquares / seen - mean * mean);
                    // A floor keeps a flat calibration (all-zero TE, say) from turning any blip into an alarm.
                    spread = Math.max(Math.sqrt(variance), 1e-3 * Math.max(Math.abs(mean), 1e-6));
                }
                if (adwin != null) {
                    adwin.update(value);
                }
                return java.util.Optional.empty();
            }
            if (pageHinkley.update((value - mean) / spread)) {
                return java.util.Optional.of(new Found(pageHinkley.name(), pageHinkley.magnitude() * spread));
            }
            if (adwin != null && adwin.update(value) && adwin.lastChangeWasIncrease()) {
                return java.util.Optional.of(new Found(adwin.name(), adwin.magnitude()));
            }
            return java.util.Optional.empty();
        }
    }
}
