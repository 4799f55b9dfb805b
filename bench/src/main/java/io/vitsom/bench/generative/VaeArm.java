package io.vitsom.bench.generative;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vitsom.model.data.ImageSet;
import io.vitsom.model.render.MapImages;
import io.vitsom.model.som.SomGrid;
import io.vitsom.model.som.Topology;
import io.vitsom.model.vae.VaeConfig;
import io.vitsom.model.vae.VaeModel;
import io.vitsom.model.vae.VaeStepResult;
import io.vitsom.model.vae.VaeTrainer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/** The VAE baseline in the generative benchmark: it generates from its prior, {@code decode(z)}, z ~ N(0, I). */
final class VaeArm implements GenerativeArm {
    /** Side of the grid of prior samples in samples.png. */
    static final int SAMPLE_GRID = 10;

    private final VaeConfig config;
    private final NDManager manager;
    private final VaeModel model;
    private final VaeTrainer trainer;
    private VaeStepResult last;

    VaeArm(VaeConfig config, long seed) {
        this.config = config;
        this.manager = NDManager.newBaseManager();
        this.model = VaeModel.create(config, manager, seed);
        this.trainer = new VaeTrainer(model, seed);
    }

    @Override
    public String label() {
        return VaeConfig.MODEL_ARCH;
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
        return last.loss();
    }

    @Override
    public String stepStatus() {
        return last == null ? "" : String.format(Locale.ROOT, "loss %.4f recon %.4f kl %.4f", last.loss(),
                last.reconstruction(), last.kl());
    }

    @Override
    public float[] reconstruct(float[] images, int count) {
        return model.reconstruct(images, count);
    }

    @Override
    public Map<String, Double> prepareSampling(ImageSet train) {
        return Map.of();
    }

    @Override
    public float[][] generate(int count, Random random) {
        return model.sample(count, random);
    }

    @Override
    public Map<String, Double> extraMetrics(ImageSet test) {
        return Map.of();
    }

    @Override
    public void writePictures(Path dir, Random random) throws IOException {
        int c = config.numChannels();
        int s = config.inputSize();
        MapImages.writePng(MapImages.prototypeMosaic(model.sample(SAMPLE_GRID * SAMPLE_GRID, random), c, s, s,
                new SomGrid(SAMPLE_GRID, SAMPLE_GRID, Topology.SQUARE), 2, 2), dir.resolve("samples.png"));
    }

    @Override
    public void save(Path dir, long seed, ObjectNode provenance) throws IOException {
        model.save(dir, provenance);
    }

    @Override
    public void close() {
        trainer.close();
        manager.close();
    }
}
