package io.vitsom.bench.generative;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vitsom.model.data.ImageSet;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;

/**
 * One generative model as the benchmark trains and scores it, whatever its kind: a training step, reconstructions,
 * new images, its own pictures and its checkpoint. The benchmark holds one per run and closes it after.
 */
interface GenerativeArm extends AutoCloseable {
    /** The model's label in results ({@code gen_som_attn}, {@code vae}). */
    String label();

    /** Trained scalars. */
    long parameterCount();

    /** Images per training step (the config's batch). */
    int batchSize();

    /** One training step on {@code count} images; returns the step's optimised loss. */
    double step(float[] images, int count);

    /** A short status of the last step for the progress line. */
    String stepStatus();

    /** The model's reconstruction of each of {@code count} images, same layout. */
    float[] reconstruct(float[] images, int count);

    /**
     * Prepares sampling once training is over (a model that samples around its units learns how often the data
     * visits each and how far it lies from them); returns what it decided, for the results.
     */
    Map<String, Double> prepareSampling(ImageSet train);

    /** {@code count} new images drawn with {@code random}. */
    float[][] generate(int count, Random random);

    /** Metrics only this kind has (a map's purity, the latent reconstruction), on the test split. */
    Map<String, Double> extraMetrics(ImageSet test);

    /** Writes the model's own pictures (prototype grid, samples per unit or prior samples) into {@code dir}. */
    void writePictures(Path dir, Random random) throws IOException;

    /** Saves the trained model into {@code dir} so that {@code vitsom generate --checkpoint dir} reads it. */
    void save(Path dir, long seed, ObjectNode provenance) throws IOException;

    @Override
    void close();
}
