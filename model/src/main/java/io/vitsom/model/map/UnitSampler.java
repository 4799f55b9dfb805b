package io.vitsom.model.map;

import java.util.Random;

/**
 * An optional capability of a {@link MapModel} whose units can be decoded into new images: the generative SOM of seed
 * paper 004 samples {@code decode(prototype + N(0, sigma^2 I))} around a unit's prototype. Serving's
 * {@code GET /v1/generate} and {@code vitsom generate} use it on whatever model a checkpoint holds, asking with
 * {@code instanceof}, so neither names a concrete model.
 */
public interface UnitSampler {
    /**
     * The checkpoint provenance key under which a benchmark records the sigma its samples were scored with, so that
     * {@code vitsom generate} draws like the benchmark did when no sigma is given.
     */
    String GENERATION_SIGMA = "generation_sigma";

    /**
     * {@code count} new images drawn around {@code unit}'s prototype with noise of standard deviation {@code sigma}
     * (0 decodes the prototype itself), each {@code [C*H*W]} floats in [0, 1] in the config's input layout. The noise
     * comes from {@code random} only, so a seeded generator gives the same images again.
     *
     * @throws IllegalArgumentException when {@code unit} is not a unit of the grid, {@code count < 1} or
     *     {@code sigma} is negative or not finite
     */
    float[][] sample(int unit, int count, double sigma, Random random);
}
