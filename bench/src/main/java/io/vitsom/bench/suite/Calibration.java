package io.vitsom.bench.suite;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import io.vitsom.model.config.VitSomConfig;
import io.vitsom.model.data.ImageSet;
import io.vitsom.model.nn.VitSom;
import io.vitsom.model.som.KohonenSom;
import io.vitsom.model.train.EpochSchedule;
import io.vitsom.model.train.TrainingPlan;
import io.vitsom.model.train.VitSomTrainer;

/**
 * A short measured training speed (images/s) of a model on a dataset, to turn a time budget into epochs:
 * ViT-SOM (clustering or classification) times {@link #TIMED_STEPS} training steps after one warm-up step on the
 * first training images (un-augmented, so it slightly overestimates the classification speed); the Kohonen SOM
 * times one epoch over the first {@link #SOM_IMAGES} images.
 */
public final class Calibration {
    static final int TIMED_STEPS = 3;
    static final int SOM_IMAGES = 1000;

    private Calibration() {
    }

    /** Training images per second of {@code model} ("som" or a ViT-SOM label) on {@code train}. */
    public static double imagesPerSecond(String model, VitSomConfig config, ImageSet train, long seed) {
        config.requireInput(train.channels(), train.height(), train.width(), train.name());
        if (model.equals("som")) {
            ImageSet sample = train.limit(Math.min(train.size(), SOM_IMAGES));
            KohonenSom som = new KohonenSom(config.som().grid(), sample.imageSize(), seed);
            long t0 = System.nanoTime();
            som.train(sample, 1, (epoch, seen, total, qe) -> { });
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
                    trainer.step(images, labels, b);
                }
                return TIMED_STEPS * b / ((System.nanoTime() - t0) / 1e9);
            }
        }
    }
}
