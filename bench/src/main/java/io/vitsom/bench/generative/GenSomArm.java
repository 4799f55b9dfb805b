package io.vitsom.bench.generative;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vitsom.model.checkpoint.Checkpoint;
import io.vitsom.model.data.ImageSet;
import io.vitsom.model.gensom.GenSomConfig;
import io.vitsom.model.gensom.GenSomModel;
import io.vitsom.model.gensom.GenSomSchedule;
import io.vitsom.model.infer.Assignments;
import io.vitsom.model.map.MapModels;
import io.vitsom.model.map.MapTrainer;
import io.vitsom.model.map.UnitSampler;
import io.vitsom.model.metrics.ClusteringMetrics;
import io.vitsom.model.render.MapImages;
import io.vitsom.model.som.SomGrid;
import io.vitsom.model.som.Topology;
import io.vitsom.model.train.StepResult;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Gen-SOM-Attn in the generative benchmark. It generates as the seed does, {@code decode(prototype + noise)}, with
 * the unit drawn in proportion to how often the training images win it (so the samples follow the data's mix, not a
 * uniform choice of units, which would over-draw rare units) and, unless {@code --sigma} says otherwise, the noise
 * scaled to the data's own spread around its prototypes (the RMS of latent minus prototype per dimension).
 */
final class GenSomArm implements GenerativeArm {
    /** Training images measured for the unit mix and the noise scale. */
    static final int SAMPLING_IMAGES = 10_000;
    /** Units shown in unit-samples.png, and samples per unit. */
    static final int SHOWN_UNITS = 12;
    static final int SAMPLES_PER_UNIT = 10;

    private final GenSomConfig config;
    private final NDManager manager;
    private final GenSomModel model;
    private final MapTrainer trainer;
    private final Double sigmaOption;
    private double sigma = Double.NaN;
    private double[] unitMix;
    private StepResult last;

    GenSomArm(GenSomConfig config, int stepsPerEpoch, long seed, Double sigmaOption) {
        this.config = config;
        this.sigmaOption = sigmaOption;
        this.manager = NDManager.newBaseManager();
        Engine.getInstance().setRandomSeed((int) seed);
        this.model = (GenSomModel) MapModels.create(config, manager);
        this.trainer = model.newTrainer(GenSomSchedule.epochs(config, stepsPerEpoch));
    }

    @Override
    public String label() {
        return GenSomConfig.MODEL_ARCH;
    }

    @Override
    public long parameterCount() {
        return model.trainableParameterCount();
    }

    @Override
    public int batchSize() {
        return config.batchSize();
    }

    @Override
    public double step(float[] images, int count) {
        last = trainer.step(images, count);
        return last.totalLoss();
    }

    @Override
    public String stepStatus() {
        return last == null ? "" : String.format(Locale.ROOT, "mse %.4f eta %.3g radius %.3g lr %.3g",
                last.reconLoss(), last.gamma(), last.temperature(), last.learningRate());
    }

    @Override
    public float[] reconstruct(float[] images, int count) {
        return model.reconstruct(images, count);
    }

    @Override
    public Map<String, Double> prepareSampling(ImageSet train) {
        ImageSet set = train.limit(Math.min(SAMPLING_IMAGES, train.size()));
        int units = config.grid().units();
        int dim = model.prototypeDim();
        float[] prototypes = model.prototypes();
        double[] hits = new double[units];
        double squared = 0;
        for (int from = 0; from < set.size(); from += GenerativeBench.EVAL_BATCH) {
            int b = Math.min(GenerativeBench.EVAL_BATCH, set.size() - from);
            float[] images = set.batch(GenerativeBench.range(from, b));
            // One encoder pass for both: the assignment is the codebook's match of these latents.
            float[] latents = model.latents(images, b);
            Assignments a = model.codebook().assign(latents, b);
            for (int i = 0; i < b; i++) {
                int u = a.bmu()[i];
                hits[u]++;
                for (int d = 0; d < dim; d++) {
                    double r = latents[i * dim + d] - prototypes[u * dim + d];
                    squared += r * r;
                }
            }
        }
        double residual = Math.sqrt(squared / ((double) set.size() * dim));
        sigma = sigmaOption != null ? sigmaOption : residual;
        unitMix = hits;
        Map<String, Double> out = new LinkedHashMap<>();
        out.put("sigma", sigma);
        out.put("latent_residual_rms", residual);
        int dead = 0;
        for (double h : hits) {
            dead += h == 0 ? 1 : 0;
        }
        out.put("dead_units", (double) dead);
        return out;
    }

    @Override
    public float[][] generate(int count, Random random) {
        int[] perUnit = new int[unitMix.length];
        double total = 0;
        for (double h : unitMix) {
            total += h;
        }
        for (int i = 0; i < count; i++) {
            double r = random.nextDouble() * total;
            int u = 0;
            while (u < unitMix.length - 1 && (r -= unitMix[u]) >= 0) {
                u++;
            }
            perUnit[u]++;
        }
        float[][] out = new float[count][];
        int k = 0;
        for (int u = 0; u < perUnit.length; u++) {
            if (perUnit[u] > 0) {
                for (float[] image : model.sample(u, perUnit[u], sigma, random)) {
                    out[k++] = image;
                }
            }
        }
        return out;
    }

    @Override
    public Map<String, Double> extraMetrics(ImageSet test) {
        Map<String, Double> out = new LinkedHashMap<>();
        double sum = 0;
        int[] bmus = new int[test.size()];
        for (int from = 0; from < test.size(); from += GenerativeBench.EVAL_BATCH) {
            int b = Math.min(GenerativeBench.EVAL_BATCH, test.size() - from);
            float[] images = test.batch(GenerativeBench.range(from, b));
            float[] latents = model.latents(images, b);
            sum += GenerativeBench.squaredError(images, model.decode(latents, b));
            System.arraycopy(model.codebook().assign(latents, b).bmu(), 0, bmus, from, b);
        }
        out.put("recon_mse_latent", sum / ((double) test.size() * test.imageSize()));
        if (test.fullyLabelled()) {
            out.put("purity_test", ClusteringMetrics.purity(bmus, test.labels()));
            out.put("nmi_test", ClusteringMetrics.nmi(bmus, test.labels()));
        }
        return out;
    }

    @Override
    public void writePictures(Path dir, Random random) throws IOException {
        SomGrid grid = config.grid();
        int c = config.numChannels();
        int s = config.inputSize();
        MapImages.writePng(MapImages.prototypeMosaic(model.unitPictures(null, 0), c, s, s, grid, 2, 2),
                dir.resolve("prototypes.png"));
        float[][] onePerUnit = new float[grid.units()][];
        for (int u = 0; u < grid.units(); u++) {
            onePerUnit[u] = model.sample(u, 1, sigma, random)[0];
        }
        MapImages.writePng(MapImages.prototypeMosaic(onePerUnit, c, s, s, grid, 2, 2), dir.resolve("samples-map.png"));
        // Units spread evenly over the grid (row-major), each row one unit's samples.
        float[][] rows = new float[SHOWN_UNITS * SAMPLES_PER_UNIT][];
        for (int i = 0; i < SHOWN_UNITS; i++) {
            int unit = (int) ((long) i * (grid.units() - 1) / Math.max(1, SHOWN_UNITS - 1));
            float[][] samples = model.sample(unit, SAMPLES_PER_UNIT, sigma, random);
            System.arraycopy(samples, 0, rows, i * SAMPLES_PER_UNIT, SAMPLES_PER_UNIT);
        }
        MapImages.writePng(MapImages.prototypeMosaic(rows, c, s, s,
                new SomGrid(SHOWN_UNITS, SAMPLES_PER_UNIT, Topology.SQUARE), 2, 2), dir.resolve("unit-samples.png"));
    }

    @Override
    public void save(Path dir, long seed, ObjectNode provenance) throws IOException {
        provenance.put(UnitSampler.GENERATION_SIGMA, sigma);
        Checkpoint.save(dir, trainer, seed, provenance);
    }

    @Override
    public void close() {
        trainer.close();
        manager.close();
    }
}
