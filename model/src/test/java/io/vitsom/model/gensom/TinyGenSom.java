package io.vitsom.model.gensom;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import io.vitsom.model.checkpoint.Checkpoint;
import io.vitsom.model.gensom.GenSomConfig.CodebookInit;
import io.vitsom.model.map.MapModel;
import io.vitsom.model.map.MapModels;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * The tiny Gen-SOM-Attn that tests in every module build, one config instead of a YAML copy per test: encoder widths
 * 4/8, decoder 8/4, latent 8, attention over the spatial tokens with 2 heads and a flatten readout, decoding both, a
 * 3x3 map (eta 0.5 to 0.01, sigma 1.5 to 0.5, prototypes placed on the first batch with noise 0.01), Adam at 0.005,
 * one epoch of batches of 8, on 28x28 gray images labelled {@code synthetic}. It builds in milliseconds and trains
 * in seconds on a CPU.
 *
 * <p>{@link #standard()} is that network; the {@code with...} methods give what a test needs to differ in, so that
 * the rest stays shared.
 *
 * @param totalEpochs {@code hyperparameters.total_epochs}
 * @param batchSize {@code hyperparameters.batch_size}
 * @param learningRate {@code hyperparameters.optimizer.learning_rate}
 * @param latentDim {@code hyperparameters.latent_dim}, the width of the latent and of every prototype
 * @param mapRows rows of {@code hyperparameters.som.map_size}
 * @param mapCols columns of {@code hyperparameters.som.map_size}
 * @param init {@code hyperparameters.som.init}
 * @param initNoise {@code hyperparameters.som.init_noise}
 * @param dataset {@code data.dataset}, a label only: the tests supply the images themselves
 * @param inputSize {@code data.input_size}, the side of the square gray images
 */
public record TinyGenSom(int totalEpochs, int batchSize, double learningRate, int latentDim, int mapRows, int mapCols,
                         CodebookInit init, double initNoise, String dataset, int inputSize) {

    /** The network described above. */
    public static TinyGenSom standard() {
        return new TinyGenSom(1, 8, 0.005, 8, 3, 3, CodebookInit.FIRST_BATCH, 0.01, "synthetic", 28);
    }

    /** The same network trained for {@code totalEpochs} epochs of {@code batchSize} images at {@code learningRate}. */
    public TinyGenSom withTraining(int totalEpochs, int batchSize, double learningRate) {
        return new TinyGenSom(totalEpochs, batchSize, learningRate, latentDim, mapRows, mapCols, init, initNoise,
                dataset, inputSize);
    }

    /** The same network with latents and prototypes {@code latentDim} wide. */
    public TinyGenSom withLatentDim(int latentDim) {
        return new TinyGenSom(totalEpochs, batchSize, learningRate, latentDim, mapRows, mapCols, init, initNoise,
                dataset, inputSize);
    }

    /** The same network with a {@code rows} x {@code cols} map. */
    public TinyGenSom withMap(int rows, int cols) {
        return new TinyGenSom(totalEpochs, batchSize, learningRate, latentDim, rows, cols, init, initNoise, dataset,
                inputSize);
    }

    /**
     * The same network with its prototypes started as {@code init} with {@code noise}: an untrained model with
     * {@code normal} and a noise of 1 has units far enough apart to decode to different pictures, where the standard
     * placement leaves them all near zero until the first batch.
     */
    public TinyGenSom withInit(CodebookInit init, double noise) {
        return new TinyGenSom(totalEpochs, batchSize, learningRate, latentDim, mapRows, mapCols, init, noise,
                dataset, inputSize);
    }

    /** The same network on {@code side} x {@code side} gray images (a multiple of 4: two stride-2 convolutions). */
    public TinyGenSom withInputSize(int side) {
        return new TinyGenSom(totalEpochs, batchSize, learningRate, latentDim, mapRows, mapCols, init, initNoise,
                dataset, side);
    }

    /** The same network with images labelled {@code dataset} (as {@code mnist} where a test streams MNIST). */
    public TinyGenSom withDataset(String dataset) {
        return new TinyGenSom(totalEpochs, batchSize, learningRate, latentDim, mapRows, mapCols, init, initNoise,
                dataset, inputSize);
    }

    /** The config as the YAML text of a config file. */
    public String yaml() {
        return String.format(Locale.ROOT, """
                hyperparameters:
                  model_arch: gen_som_attn
                  total_epochs: %d
                  batch_size: %d
                  latent_dim: %d
                  decoder_training: both
                  encoder: {widths: [4, 8]}
                  attention: {over: spatial, heads: 2, readout: flatten}
                  decoder: {widths: [8, 4]}
                  som: {map_size: [%d, %d], eta_start: 0.5, eta_end: 0.01, sigma_start: 1.5, sigma_end: 0.5,
                        init: %s, init_noise: %s}
                  optimizer: {type: adam, learning_rate: %s, beta_1: 0.9, beta_2: 0.999}
                data: {dataset: %s, num_classes: 0, num_channels: 1, input_size: %d}
                """, totalEpochs, batchSize, latentDim, mapRows, mapCols, init.configName(), initNoise, learningRate,
                dataset, inputSize);
    }

    /** The config, parsed from {@link #yaml()}. */
    public GenSomConfig config() {
        return GenSomConfig.parse(yaml(), "tiny gen_som_attn");
    }

    /**
     * Writes a checkpoint of this network as built with DJL's random seed {@code seed}, untrained (no optimizer
     * moments), to {@code target}: what the generate endpoints and commands load.
     *
     * @param provenance recorded in the checkpoint's metadata, or null
     * @return {@code target}
     */
    public Path writeUntrainedCheckpoint(Path target, int seed, JsonNode provenance) throws IOException {
        try (NDManager manager = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(seed);
            MapModel model = MapModels.create(config(), manager);
            Checkpoint.save(target, model, Map.of(), 1, 1, seed, provenance);
        }
        return target;
    }
}
