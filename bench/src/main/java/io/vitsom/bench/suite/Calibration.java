package io.vitsom.bench.suite;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import io.vitsom.bench.MapSize;
import io.vitsom.bench.ModelKind;
import io.vitsom.bench.maps.DesomMap;
import io.vitsom.bench.maps.SomVaeMap;
import io.vitsom.model.baselines.DesomConfig;
import io.vitsom.model.baselines.somvae.SomVaeConfig;
import io.vitsom.model.config.VitSomConfig;
import io.vitsom.model.data.ImageSet;
import io.vitsom.model.nn.VitSom;
import io.vitsom.model.som.KohonenSom;
import io.vitsom.model.som.SomGrid;
import java.io.OutputStream;
import java.io.PrintStream;
import io.vitsom.model.train.EpochSchedule;
import io.vitsom.model.train.StopSignal;
import io.vitsom.model.train.TrainingPlan;
import io.vitsom.model.train.VitSomTrainer;

/**
 * A short measured training speed (images/s) of a model on a dataset, to turn a time budget into epochs:
 * ViT-SOM (clustering or classification, with or without SOM) times {@link #TIMED_STEPS} training steps after one
 * warm-up step on the first training images (un-augmented, so it slightly overestimates the classification
 * speed); the Kohonen SOM times one epoch over the first {@link #SOM_IMAGES} images; DESOM and SOM-VAE one epoch of
 * their drivers over the first {@link #BASELINE_IMAGES}.
 */
public final class Calibration {
    static final int TIMED_STEPS = 3;
    static final int SOM_IMAGES = 1000;
    static final int BASELINE_IMAGES = 2048;

    private Calibration() {
    }

    /** Training images per second of a suite cell's model on {@code train}. */
    public static double imagesPerSecond(SuiteDatasets.Cell cell, VitSomConfig config, ImageSet train, long seed) {
        return imagesPerSecond(cell, config, train, seed, new StopSignal());
    }

    /**
     * {@link #imagesPerSecond(SuiteDatasets.Cell, VitSomConfig, ImageSet, long)} that {@code stop} ends between steps
     * with a {@link io.vitsom.model.train.StopRequestedException}, its native memory freed.
     */
    public static double imagesPerSecond(SuiteDatasets.Cell cell, VitSomConfig config, ImageSet train, long seed,
                                         StopSignal stop) {
        config.requireInput(train.channels(), train.height(), train.width(), train.name());
        ModelKind kind = cell.kind();
        if (kind == ModelKind.DESOM || kind == ModelKind.SOM_VAE) {
            // One epoch of the real driver on a sample: pre-training and the joint phase run at about the same speed.
            ImageSet sample = train.limit(Math.min(train.size(), BASELINE_IMAGES));
            MapSize map = cell.map() != null ? cell.map() : new MapSize(8, 8);
            PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
            if (kind == ModelKind.DESOM) {
                try (DesomMap m = DesomMap.train(DesomConfig.defaults().withMapSize(map.rows(), map.cols()), sample, 0,
                        1, seed, quiet, stop)) {
                    return m.imagesPerSecond();
                }
            }
            try (SomVaeMap m = SomVaeMap.train(SomVaeConfig.defaults().withMapSize(map.rows(), map.cols()), sample, 1,
                    seed, quiet, stop)) {
                return m.imagesPerSecond();
            }
        }
        if (kind == ModelKind.SOM) {
            ImageSet sample = train.limit(Math.min(train.size(), SOM_IMAGES));
            SomGrid grid = cell.map() == null ? config.som().grid()
                    : new SomGrid(cell.map().rows(), cell.map().cols(), config.som().grid().topology());
            KohonenSom som = new KohonenSom(grid, sample.imageSize(), seed);
            long t0 = System.nanoTime();
            som.train(sample, 1, (epoch, seen, total, qe) -> stop.throwIfRequested());
            return sample.size() / ((System.nanoTime() - t0) / 1e9);
        }
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
            try (VitSomTrainer trainer = new VitSomTrainer(vitSom, manager, new EpochSchedule(config, plan))) {
                trainer.step(images, labels, b);
                long t0 = System.nanoTime();
                for (int s = 0; s < TIMED_STEPS; s++) {
                    stop.throwIfRequested();
                    trainer.step(images, labels, b);
                }
                return TIMED_STEPS * b / ((System.nanoTime() - t0) / 1e9);
            }
        }
    }
}
