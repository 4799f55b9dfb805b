package io.vitsom.bench.suite;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import io.vitsom.bench.ClusteringBench;
import io.vitsom.bench.MapSize;
import io.vitsom.bench.ModelKind;
import io.vitsom.bench.classify.ClassificationBench;
import io.vitsom.bench.maps.DesomMap;
import io.vitsom.bench.maps.KohonenMap;
import io.vitsom.bench.maps.MapQuality;
import io.vitsom.bench.maps.SomVaeMap;
import io.vitsom.bench.maps.TrainedMap;
import io.vitsom.bench.maps.UrlSomMap;
import io.vitsom.bench.maps.VitSomMap;
import io.vitsom.bench.projection.LatentProjection;
import io.vitsom.model.baselines.DesomConfig;
import io.vitsom.model.baselines.somvae.SomVaeConfig;
import io.vitsom.model.config.VitSomConfig;
import io.vitsom.model.data.ImageSet;
import io.vitsom.model.map.MapModelConfig;
import io.vitsom.model.map.MapModels;
import io.vitsom.model.nn.VitSom;
import io.vitsom.model.som.KohonenSom;
import io.vitsom.model.som.SomGrid;
import io.vitsom.model.train.EpochSchedule;
import io.vitsom.model.train.StopSignal;
import io.vitsom.model.train.TrainingPlan;
import io.vitsom.model.train.VitSomTrainer;
import io.vitsom.model.urlsom.UrlSomConfig;
import io.vitsom.model.urlsom.UrlSomModel;
import io.vitsom.model.urlsom.UrlSomSchedule;
import io.vitsom.model.urlsom.UrlSomTrainer;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Random;

/**
 * Short measurements of what a suite cell will cost, to plan a time budget ({@link BudgetSplit}).
 *
 * <p>Training speed (images/s): ViT-SOM (clustering or classification, with or without SOM) takes the median of
 * {@link #TIMED_STEPS} training steps after {@link #WARMUP_STEPS} warm-up steps on the first training images
 * (un-augmented, so it slightly overestimates the classification speed); URL-SOM does the same, its step including
 * the two-view augmentation, on a smaller batch on a CPU ({@link #calibrationBatch}); the Kohonen SOM times one epoch
 * over the first {@link #SOM_IMAGES} images; DESOM and SOM-VAE one epoch of their drivers over the first
 * {@link #BASELINE_IMAGES}.
 *
 * <p>Evaluation, on the briefly trained model: a clustering map assigns the first {@link #EVAL_SAMPLE} images of the
 * evaluated set to their BMUs (seconds per image) and times every phase of {@link MapQuality} on them
 * ({@link MapQuality#cost}); decoding the prototype images is counted as one assignment per unit (URL-SOM: one per
 * training image its unit pictures average, at most {@link UrlSomMap#PICTURE_SAMPLE}), and a t-SNE is timed once
 * per suite on {@link #TSNE_SAMPLE} synthetic points and scaled to the projection's size. A classifier
 * predicts the first {@link #PREDICT_SAMPLE} test images. The planner scales these to the sets the cell evaluates.
 * A ViT-SOM cell's evaluation calibration takes seconds (a few on an idle machine), far less than the evaluation.
 *
 * <p>One instance per suite (it keeps the t-SNE timings); {@code stop} ends a calibration between steps with a
 * {@link io.vitsom.model.train.StopRequestedException}, its native memory freed.
 */
public final class Calibration {
    static final int WARMUP_STEPS = 2;
    static final int TIMED_STEPS = 3;
    static final int SOM_IMAGES = 1000;
    static final int BASELINE_IMAGES = 2048;
    /** Images of the evaluated set a clustering map's evaluation is timed on. */
    static final int EVAL_SAMPLE = 200;
    /** Points the t-SNE is timed on, at most; its cost grows with their square. */
    static final int TSNE_SAMPLE = 200;
    /** Images whose latent norm scales ViT-SOM's decoded prototypes (VitSomMap's NORM_SAMPLE). */
    static final int NORM_SAMPLE = 512;
    /** Images of an untimed first inference, which pays the set-up. */
    static final int WARMUP_IMAGES = 8;
    /** Test images a classifier's inference is timed on. */
    static final int PREDICT_SAMPLE = 256;
    /**
     * Images per URL-SOM calibration step on a CPU, instead of the config's batch: a step there runs at 5-10 images/s
     * (256 images, two augmented views each), so five steps of the config's batch would take minutes per cell.
     */
    static final int URL_SOM_CPU_BATCH = 16;

    private final StopSignal stop;
    private final Map<Integer, Double> tsneSeconds = new HashMap<>();

    public Calibration(StopSignal stop) {
        this.stop = Objects.requireNonNull(stop, "stop");
    }

    /**
     * What a calibration measured.
     *
     * @param trainImagesPerSecond training images per second
     * @param assignSecondsPerImage seconds to assign one image to its BMU (clustering) or class (classification)
     * @param quality the map-quality metrics' costs; null for classification
     * @param artifactSeconds once per cell: the prototype images and the t-SNE projection (0 for classification)
     * @param seconds the calibration's own wall time
     */
    public record Measured(double trainImagesPerSecond, double assignSecondsPerImage, MapQuality.Cost quality,
                           double artifactSeconds, double seconds) {
    }

    /**
     * Measures a cell.
     *
     * @param train what the cell trains on
     * @param evaluated what it evaluates: the protocol's evaluated set (clustering) or the test split (classification)
     */
    public Measured measure(SuiteDatasets.Cell cell, MapModelConfig config, ImageSet train, ImageSet evaluated,
                            long seed) {
        long t0 = System.nanoTime();
        ModelKind.requireFits(cell.kind(), config);
        config.requireInput(train.channels(), train.height(), train.width(), train.name());
        Measured m = switch (cell.kind()) {
            case DESOM, SOM_VAE -> deepBaseline(cell, train, evaluated, seed);
            case SOM -> kohonen(cell, (VitSomConfig) config, train, evaluated, seed);
            case VIT_SOM -> vitSom((VitSomConfig) config, train, evaluated, seed);
            case URL_SOM -> urlSom((UrlSomConfig) config, train, evaluated, seed);
        };
        return new Measured(m.trainImagesPerSecond(), m.assignSecondsPerImage(), m.quality(), m.artifactSeconds(),
                (System.nanoTime() - t0) / 1e9);
    }

    private Measured deepBaseline(SuiteDatasets.Cell cell, ImageSet train, ImageSet evaluated, long seed) {
        // One epoch of the real driver on a sample: pre-training and the joint phase run at about the same speed.
        ImageSet sample = train.limit(Math.min(train.size(), BASELINE_IMAGES));
        MapSize map = cell.map() != null ? cell.map() : new MapSize(8, 8);
        PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
        if (cell.kind() == ModelKind.DESOM) {
            try (DesomMap m = DesomMap.train(DesomConfig.defaults().withMapSize(map.rows(), map.cols()), sample, 0, 1,
                    seed, quiet, stop)) {
                return evaluation(m.imagesPerSecond(), m, evaluated, false, seed);
            }
        }
        try (SomVaeMap m = SomVaeMap.train(SomVaeConfig.defaults().withMapSize(map.rows(), map.cols()), sample, 1, seed,
                quiet, stop)) {
            return evaluation(m.imagesPerSecond(), m, evaluated, false, seed);
        }
    }

    private Measured kohonen(SuiteDatasets.Cell cell, VitSomConfig config, ImageSet train, ImageSet evaluated,
                             long seed) {
        ImageSet sample = train.limit(Math.min(train.size(), SOM_IMAGES));
        SomGrid grid = cell.map() == null ? config.som().grid()
                : new SomGrid(cell.map().rows(), cell.map().cols(), config.som().grid().topology());
        KohonenSom som = new KohonenSom(grid, sample.imageSize(), seed);
        long t0 = System.nanoTime();
        som.train(sample, 1, (epoch, seen, total, qe) -> stop.throwIfRequested());
        double imagesPerSecond = sample.size() / ((System.nanoTime() - t0) / 1e9);
        try (KohonenMap map = new KohonenMap(som)) {
            return evaluation(imagesPerSecond, map, evaluated, false, seed);
        }
    }

    private Measured vitSom(VitSomConfig config, ImageSet train, ImageSet evaluated, long seed) {
        int b = Math.min(config.batchSize(), train.size());
        int[] idx = new int[b];
        for (int i = 0; i < b; i++) {
            idx[i] = i;
        }
        float[] images = train.batch(idx);
        int[] labels = train.labelsOf(idx);
        Engine.getInstance().setRandomSeed((int) seed);
        try (NDManager manager = NDManager.newBaseManager()) {
            VitSom vitSom = VitSom.builder().setConfig(config).build();
            vitSom.initialize(manager);
            TrainingPlan plan = new TrainingPlan(train.size(), config.batchSize(), 1);
            double imagesPerSecond;
            try (VitSomTrainer trainer = new VitSomTrainer(vitSom, manager, new EpochSchedule(config, plan))) {
                for (int s = 0; s < WARMUP_STEPS; s++) {
                    stop.throwIfRequested();
                    trainer.step(images, labels, b);
                }
                double[] seconds = new double[TIMED_STEPS];
                for (int s = 0; s < TIMED_STEPS; s++) {
                    stop.throwIfRequested();
                    long t0 = System.nanoTime();
                    trainer.step(images, labels, b);
                    seconds[s] = (System.nanoTime() - t0) / 1e9;
                }
                // The median step: the first steps of a process (native warm-up) or a stray pause do not count.
                java.util.Arrays.sort(seconds);
                imagesPerSecond = b / seconds[TIMED_STEPS / 2];
            }
            stop.throwIfRequested();
            if (config.classification()) {
                ImageSet sample = evaluated.limit(Math.min(PREDICT_SAMPLE, evaluated.size()));
                ClassificationBench.predict(vitSom, manager, evaluated.limit(Math.min(WARMUP_IMAGES, evaluated.size())));
                long t0 = System.nanoTime();
                ClassificationBench.predict(vitSom, manager, sample);
                return new Measured(imagesPerSecond, (System.nanoTime() - t0) / 1e9 / sample.size(), null, 0, 0);
            }
            try (VitSomMap map = new VitSomMap(vitSom, manager, train, false)) {
                return evaluation(imagesPerSecond, map, evaluated, true, seed);
            }
        }
    }

    /**
     * URL-SOM: the median of {@link #TIMED_STEPS} steps after {@link #WARMUP_STEPS} warm-up steps of its trainer on the
     * first {@link #calibrationBatch} training images, each step drawing two augmented views of every image (the
     * trainer's augmentation, seeded through the engine as {@code vitsom bench} seeds it); then the evaluation through
     * {@link UrlSomMap}, as the bench evaluates it.
     */
    private Measured urlSom(UrlSomConfig config, ImageSet train, ImageSet evaluated, long seed) {
        int b = calibrationBatch(config, train.size(), Engine.getInstance().defaultDevice().isGpu());
        int[] idx = new int[b];
        for (int i = 0; i < b; i++) {
            idx[i] = i;
        }
        float[] images = train.batch(idx);
        Engine.getInstance().setRandomSeed((int) seed);
        NDManager manager = NDManager.newBaseManager();
        UrlSomMap map;
        try {
            map = new UrlSomMap((UrlSomModel) MapModels.create(config, manager), manager, train, true);
        } catch (RuntimeException | Error e) {
            manager.close();
            throw e;
        }
        try (map) {
            double imagesPerSecond;
            try (UrlSomTrainer trainer = map.model().newTrainer(UrlSomSchedule.epochs(config, 1))) {
                double[] seconds = new double[TIMED_STEPS];
                for (int s = 0; s < WARMUP_STEPS + TIMED_STEPS; s++) {
                    stop.throwIfRequested();
                    long t0 = System.nanoTime();
                    trainer.step(images, b);
                    if (s >= WARMUP_STEPS) {
                        seconds[s - WARMUP_STEPS] = (System.nanoTime() - t0) / 1e9;
                    }
                }
                java.util.Arrays.sort(seconds);
                // Images per second of this batch, which on a CPU is smaller than the config's (calibrationBatch): a
                // CPU step's cost grows about linearly with its images (per-image augmentation, convolutions), so it
                // stands for the config's batch; if anything it understates the speed (less work per native call),
                // the safe side for the plan.
                imagesPerSecond = b / seconds[TIMED_STEPS / 2];
            }
            // The prototype images average the first PICTURE_SAMPLE training images each unit wins: one pass over them.
            int pictured = Math.min(UrlSomMap.PICTURE_SAMPLE, train.size());
            return evaluation(imagesPerSecond, map, evaluated, false, seed, pictured);
        }
    }

    /**
     * Images per URL-SOM calibration step: the config's batch on a GPU (where a smaller one would badly understate
     * the speed), {@link #URL_SOM_CPU_BATCH} on a CPU (so the calibration stays seconds, not minutes), at most the
     * training set.
     */
    static int calibrationBatch(UrlSomConfig config, int trainImages, boolean gpu) {
        return Math.max(1, Math.min(trainImages, gpu ? config.batchSize()
                : Math.min(config.batchSize(), URL_SOM_CPU_BATCH)));
    }

    /** Times a clustering map's evaluation phases on the first images of {@code evaluated}. */
    private Measured evaluation(double imagesPerSecond, TrainedMap map, ImageSet evaluated, boolean kmeansLatent,
                                long seed) {
        // Decoding the prototype images: about one pass per unit, and (ViT-SOM) the latent norm of a sample.
        return evaluation(imagesPerSecond, map, evaluated, kmeansLatent, seed, map.grid().units() + NORM_SAMPLE);
    }

    /**
     * Times a clustering map's evaluation phases on the first images of {@code evaluated}.
     *
     * @param prototypePasses images the prototype pictures cost one inference each
     */
    private Measured evaluation(double imagesPerSecond, TrainedMap map, ImageSet evaluated, boolean kmeansLatent,
                                long seed, int prototypePasses) {
        stop.throwIfRequested();
        ImageSet sample = evaluated.limit(Math.min(EVAL_SAMPLE, evaluated.size()));
        map.bmus(evaluated.limit(Math.min(WARMUP_IMAGES, evaluated.size()))); // the first inference pays set-up
        long t0 = System.nanoTime();
        int[] bmus = map.bmus(sample);
        double assign = (System.nanoTime() - t0) / 1e9 / Math.max(1, sample.size());
        stop.throwIfRequested();
        MapQuality.Cost quality = MapQuality.cost(map, sample, bmus, kmeansLatent, seed);
        stop.throwIfRequested();
        double prototypes = prototypePasses * assign;
        // The projection: the latent of its images, their pairwise distances (as trustworthiness computes them) and
        // the t-SNE iterations.
        int projected = Math.min(ClusteringBench.PROJECTION_SAMPLE, evaluated.size());
        double projection = assign * projected + quality.neighbourhoodSeconds(projected) + tsneSeconds(projected, seed);
        return new Measured(imagesPerSecond, assign, quality, prototypes + projection, 0);
    }

    /**
     * Seconds of a t-SNE of {@code n} points: timed once per suite on {@link #TSNE_SAMPLE} random 2-D points (its
     * iterations are quadratic in the points and do not depend on their dimension) and scaled by the square.
     */
    private double tsneSeconds(int n, long seed) {
        if (n < 4) {
            return 0;
        }
        int timed = Math.min(n, TSNE_SAMPLE);
        return Math.pow(n / (double) timed, 2) * tsneSeconds.computeIfAbsent(timed, size -> {
            Random random = new Random(seed);
            float[] points = new float[size * 2];
            for (int i = 0; i < points.length; i++) {
                points[i] = (float) random.nextGaussian();
            }
            long t0 = System.nanoTime();
            LatentProjection.tsne(points, 2, seed);
            return (System.nanoTime() - t0) / 1e9;
        });
    }
}
