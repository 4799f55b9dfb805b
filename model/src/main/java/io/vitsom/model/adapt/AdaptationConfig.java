package io.vitsom.model.adapt;

import java.util.Objects;

/**
 * How a map keeps learning on a feed that changes: rehearsal, maintenance plasticity, drift detection and the
 * answer to it, novelty quarantine, map upkeep and a shadow map. One record shared by the streaming learner and the
 * drift benchmark, so both run the same settings; validated here once.
 *
 * @param rehearsal fill batches from a reservoir of earlier images when the feed is slower than the learner
 * @param maintenance where temperature and learning rate settle after the organisation horizon
 * @param plasticity how a detected drift raises temperature and learning rate
 * @param detection change detection on the map's own quality signals
 * @param quarantine keeping images far from every prototype out of training
 * @param upkeep re-seeding units that win nothing
 * @param shadow a candidate map trained beside the live one
 */
public record AdaptationConfig(Rehearsal rehearsal, Maintenance maintenance, Plasticity plasticity,
                               Detection detection, Quarantine quarantine, Upkeep upkeep, Shadow shadow) {
    public AdaptationConfig {
        Objects.requireNonNull(rehearsal, "rehearsal");
        Objects.requireNonNull(maintenance, "maintenance");
        Objects.requireNonNull(plasticity, "plasticity");
        Objects.requireNonNull(detection, "detection");
        Objects.requireNonNull(quarantine, "quarantine");
        Objects.requireNonNull(upkeep, "upkeep");
        Objects.requireNonNull(shadow, "shadow");
    }

    /** The defaults of {@code learn} and {@code run}. */
    public static AdaptationConfig defaults() {
        return new AdaptationConfig(Rehearsal.defaults(), Maintenance.defaults(), Plasticity.defaults(),
                Detection.defaults(), Quarantine.defaults(), Upkeep.defaults(), Shadow.defaults());
    }

    /** Everything off and the reference's floors: the learner as it was before any of this (tests, comparisons). */
    public static AdaptationConfig off() {
        return new AdaptationConfig(Rehearsal.defaults().withEnabled(false), Maintenance.reference(),
                Plasticity.defaults().withEnabled(false), Detection.defaults().withEnabled(false),
                Quarantine.defaults(), Upkeep.defaults(), Shadow.defaults());
    }

    /** This config with other rehearsal settings. */
    public AdaptationConfig with(Rehearsal r) {
        return new AdaptationConfig(r, maintenance, plasticity, detection, quarantine, upkeep, shadow);
    }

    /** This config with other maintenance floors. */
    public AdaptationConfig with(Maintenance m) {
        return new AdaptationConfig(rehearsal, m, plasticity, detection, quarantine, upkeep, shadow);
    }

    /** This config with other plasticity control. */
    public AdaptationConfig with(Plasticity p) {
        return new AdaptationConfig(rehearsal, maintenance, p, detection, quarantine, upkeep, shadow);
    }

    /** This config with other detection settings. */
    public AdaptationConfig with(Detection d) {
        return new AdaptationConfig(rehearsal, maintenance, plasticity, d, quarantine, upkeep, shadow);
    }

    /** This config with other quarantine settings. */
    public AdaptationConfig with(Quarantine q) {
        return new AdaptationConfig(rehearsal, maintenance, plasticity, detection, q, upkeep, shadow);
    }

    /** This config with other upkeep settings. */
    public AdaptationConfig with(Upkeep u) {
        return new AdaptationConfig(rehearsal, maintenance, plasticity, detection, quarantine, u, shadow);
    }

    /** This config with other shadow-map settings. */
    public AdaptationConfig with(Shadow s) {
        return new AdaptationConfig(rehearsal, maintenance, plasticity, detection, quarantine, upkeep, s);
    }

    /**
     * @param enabled fill batches from the reservoir
     * @param capacity images the reservoir holds at most
     * @param maxBytes memory the reservoir's pixels may take at most (the smaller bound wins)
     * @param maxShare largest share of a batch that may come from the reservoir, in [0, 1): every batch keeps
     *     at least {@code 1 - maxShare} fresh images, so training never runs on rehearsal alone
     */
    public record Rehearsal(boolean enabled, int capacity, long maxBytes, double maxShare) {
        public Rehearsal {
            if (capacity < 1) {
                throw new IllegalArgumentException("rehearsal capacity must be >= 1, got " + capacity);
            }
            if (maxBytes < 1) {
                throw new IllegalArgumentException("rehearsal memory cap must be >= 1 byte, got " + maxBytes);
            }
            if (!(maxShare >= 0 && maxShare < 1)) {
                throw new IllegalArgumentException("rehearsal share must be in [0, 1), got " + maxShare);
            }
        }

        /** On, 20,000 images, 256 MiB, at most 3 of 4 images of a batch rehearsed. */
        public static Rehearsal defaults() {
            return new Rehearsal(true, 20_000, 256L << 20, 0.75);
        }

        /** These settings switched on or off. */
        public Rehearsal withEnabled(boolean on) {
            return new Rehearsal(on, capacity, maxBytes, maxShare);
        }

        /**
         * How many reservoir images join a batch of {@code fresh} images: the batch is filled up to
         * {@code batchSize}, but rehearsed images stay within {@code maxShare} of it.
         */
        public int fill(int fresh, int batchSize, int reservoirSize) {
            if (!enabled || fresh <= 0 || reservoirSize == 0) {
                return 0;
            }
            long byShare = (long) Math.floor(fresh * maxShare / (1 - maxShare) + 1e-9);
            return (int) Math.max(0, Math.min(batchSize - fresh, byShare));
        }

        /** Fresh images a batch needs before it may be trained at once with rehearsal filling the rest. */
        public int minimumFresh(int batchSize) {
            return enabled ? Math.max(1, (int) Math.ceil(batchSize * (1 - maxShare) - 1e-9)) : batchSize;
        }
    }

    /**
     * Where the schedules settle after the organisation horizon. {@code 0} leaves a value at the reference's end
     * point ({@code Tmin}, {@code min_lr}), which freezes a map that keeps learning.
     *
     * @param temperatureFloor lowest SOM temperature, in grid units
     * @param learningRateFloor lowest learning rate, as a fraction of the peak (batch-scaled) learning rate
     */
    public record Maintenance(double temperatureFloor, double learningRateFloor) {
        public Maintenance {
            if (!(temperatureFloor >= 0) || !Double.isFinite(temperatureFloor)) {
                throw new IllegalArgumentException("maintenance temperature must be >= 0, got " + temperatureFloor);
            }
            if (!(learningRateFloor >= 0 && learningRateFloor <= 1)) {
                throw new IllegalArgumentException("maintenance learning-rate fraction must be in [0, 1], got "
                        + learningRateFloor);
            }
        }

        /** Temperature 0.5 grid units, learning rate 5% of its peak. */
        public static Maintenance defaults() {
            return new Maintenance(0.5, 0.05);
        }

        /** The reference's end points, no floors. */
        public static Maintenance reference() {
            return new Maintenance(0, 0);
        }
    }

    /**
     * @param enabled answer a detected drift by raising temperature and learning rate
     * @param temperatureFactor factor on the temperature right after a detection
     * @param learningRateFactor factor on the learning rate right after a detection
     * @param annealImages images over which both factors return to 1 (geometrically)
     */
    public record Plasticity(boolean enabled, double temperatureFactor, double learningRateFactor,
                             long annealImages) {
        /**
         * x8 on the maintenance temperature floor (0.5 grid units) gives 4 grid units; x20 on the learning-rate
         * floor (5% of the peak) gives the peak: a map that has settled needs about the plasticity of a young one
         * to take in new classes. MNIST class split (seed 0): with these and 40,000 images to anneal, the new classes
         * came within 0.03 of the old ones' purity 7,500 images after the switch; with x4 and x10 not within 40,000
         * images annealing over 40,000, and only after 37,500 annealing over 60,000 (README, "Learning on feeds
         * that change").
         */
        public static final int DEFAULT_TEMPERATURE_FACTOR = 8;
        public static final int DEFAULT_LEARNING_RATE_FACTOR = 20;
        public static final long DEFAULT_ANNEAL_IMAGES = 40_000;

        public Plasticity {
            if (!(temperatureFactor >= 1) || !(learningRateFactor >= 1)) {
                throw new IllegalArgumentException("plasticity factors must be >= 1, got " + temperatureFactor
                        + " and " + learningRateFactor);
            }
            if (annealImages < 1) {
                throw new IllegalArgumentException("plasticity anneal must be >= 1 image, got " + annealImages);
            }
        }

        /** On: temperature x8 and learning rate x20, back to 1 over 40,000 fresh images. */
        public static Plasticity defaults() {
            return new Plasticity(true, DEFAULT_TEMPERATURE_FACTOR, DEFAULT_LEARNING_RATE_FACTOR,
                    DEFAULT_ANNEAL_IMAGES);
        }

        /** These settings switched on or off. */
        public Plasticity withEnabled(boolean on) {
            return new Plasticity(on, temperatureFactor, learningRateFactor, annealImages);
        }
    }

    /**
     * @param enabled watch the map's signals
     * @param warmupImages fresh images before the detectors may arm; they arm only once the map has organised too
 *     (the organisation horizon is over), since the map's own organisation is a change
     * @param calibrationImages images after arming over which each series' mean and spread are measured; the
     *     Page-Hinkley tests run on the series in units of that spread
     * @param hitWindowImages images per hit-map window (Jensen-Shannon divergence between consecutive windows)
     * @param phDelta Page-Hinkley tolerance, in units of the series' spread
     * @param phThreshold Page-Hinkley alarm level, in units of the series' spread
     * @param adwinDelta ADWIN confidence
     */
    public record Detection(boolean enabled, long warmupImages, int calibrationImages, int hitWindowImages,
                            double phDelta, double phThreshold, double adwinDelta) {
        public Detection {
            if (warmupImages < 0 || calibrationImages < 10 || hitWindowImages < 10) {
                throw new IllegalArgumentException("detection needs warm-up >= 0, calibration >= 10 and hit window "
                        + ">= 10 images, got " + warmupImages + ", " + calibrationImages + ", " + hitWindowImages);
            }
            if (!(phDelta >= 0) || !(phThreshold > 0) || !(adwinDelta > 0 && adwinDelta < 1)) {
                throw new IllegalArgumentException("detector settings out of range: delta " + phDelta
                        + ", threshold " + phThreshold + ", adwin delta " + adwinDelta);
            }
        }

        /** On, armed once the map has organised, calibrated over 2,000 images, hit windows of 500. */
        public static Detection defaults() {
            return new Detection(true, 0, 2_000, 500, 0.5, 50, 1e-5);
        }

        /** These settings switched on or off. */
        public Detection withEnabled(boolean on) {
            return new Detection(on, warmupImages, calibrationImages, hitWindowImages, phDelta, phThreshold,
                    adwinDelta);
        }

        /** These settings with another warm-up. */
        public Detection withWarmup(long images) {
            return new Detection(enabled, images, calibrationImages, hitWindowImages, phDelta, phThreshold,
                    adwinDelta);
        }
    }

    /**
     * @param enabled keep novel images out of training
     * @param quantile quantile of the recent BMU distances the threshold is built on
     * @param factor the threshold is {@code factor} times that quantile
     * @param window recent distances kept
     * @param warmupImages distances seen before the gate acts
     */
    public record Quarantine(boolean enabled, double quantile, double factor, int window, int warmupImages) {
        public Quarantine {
            if (!(quantile > 0 && quantile < 1) || !(factor >= 1) || window < 1 || warmupImages < 1
                    || warmupImages > window) {
                throw new IllegalArgumentException("quarantine needs 0 < quantile < 1, factor >= 1 and "
                        + "1 <= warm-up <= window, got " + quantile + ", " + factor + ", " + warmupImages + ", "
                        + window);
            }
        }

        /** Off; when on: 1.5 times the 0.99 quantile of the last 5,000 distances, after 2,000. */
        public static Quarantine defaults() {
            return new Quarantine(false, 0.99, 1.5, 5_000, 2_000);
        }

        /** These settings switched on or off. */
        public Quarantine withEnabled(boolean on) {
            return new Quarantine(on, quantile, factor, window, warmupImages);
        }

        /** These settings acting after {@code images} distances (the window grows to hold them if needed). */
        public Quarantine withWarmup(int images) {
            return new Quarantine(enabled, quantile, factor, Math.max(window, images), images);
        }
    }

    /**
     * @param enabled re-seed units that won no image over a window
     * @param windowImages fresh images per window
     * @param candidates highest-error images of a window kept as seeds
     */
    public record Upkeep(boolean enabled, long windowImages, int candidates) {
        public Upkeep {
            if (windowImages < 1 || candidates < 1) {
                throw new IllegalArgumentException("upkeep needs a window and candidates >= 1, got " + windowImages
                        + " and " + candidates);
            }
        }

        /** Off; when on: windows of 20,000 images, 64 seeds each. */
        public static Upkeep defaults() {
            return new Upkeep(false, 20_000, 64);
        }

        /** These settings switched on or off. */
        public Upkeep withEnabled(boolean on) {
            return new Upkeep(on, windowImages, candidates);
        }
    }

    /**
     * @param atStart train a fresh candidate map from the first image
     * @param onDrift start a fresh candidate when a drift is detected and none is training
     * @param autoPromote swap the candidate in by itself once it is better (below); otherwise only on request
     * @param minImages fresh images a candidate trains before the rule may promote it
     * @param margin the candidate's window quantization error must be below the live map's by this fraction
     */
    public record Shadow(boolean atStart, boolean onDrift, boolean autoPromote, long minImages, double margin) {
        public Shadow {
            if (minImages < 0 || !(margin >= 0 && margin < 1)) {
                throw new IllegalArgumentException("shadow promotion needs min images >= 0 and 0 <= margin < 1, got "
                        + minImages + " and " + margin);
            }
        }

        /** No candidate; when one runs, promoted by request only, or by the rule after 20,000 images and 5%. */
        public static Shadow defaults() {
            return new Shadow(false, false, false, 20_000, 0.05);
        }

        /** Whether a candidate may ever train. */
        public boolean used() {
            return atStart || onDrift;
        }
    }
}
