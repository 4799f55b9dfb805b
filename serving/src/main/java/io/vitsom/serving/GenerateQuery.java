package io.vitsom.serving;

import io.vertx.core.MultiMap;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The parameters of {@code GET /v1/generate}, checked before any model is involved. The unit stays text: whether it
 * names a unit depends on the grid of the model in service when the request runs.
 *
 * @param unit {@code ROW,COL} or a row-major index ({@link io.vitsom.model.som.UnitAddress})
 * @param count images to draw, in [1, {@link #MAX_COUNT}]
 * @param sigma standard deviation of the noise added to the prototype, finite and {@code >= 0}
 * @param seed the noise's seed: the same seed on the same model version gives the same images
 */
record GenerateQuery(String unit, int count, double sigma, long seed) {
    /**
     * Most images one request draws: 64 base64 PNGs of 32x32 RGB are about 200 KB of JSON, and their decoding takes
     * the model away from assignments for a moment only.
     */
    static final int MAX_COUNT = 64;

    GenerateQuery {
        Objects.requireNonNull(unit, "unit");
    }

    /**
     * Reads {@code unit} (required), {@code n} (default 1), {@code sigma} (required) and {@code seed} (default: a
     * random one, which the answer reports).
     *
     * @throws IllegalArgumentException naming the parameter when one is missing or out of range
     */
    static GenerateQuery parse(MultiMap params) {
        String unit = params.get("unit");
        if (unit == null || unit.isBlank()) {
            throw new IllegalArgumentException("unit is required: ROW,COL or a unit index");
        }
        String n = params.get("n");
        int count;
        try {
            count = n == null ? 1 : Integer.parseInt(n.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("n must be an integer in [1, " + MAX_COUNT + "], got '" + n + "'");
        }
        if (count < 1 || count > MAX_COUNT) {
            throw new IllegalArgumentException("n must be in [1, " + MAX_COUNT + "], got " + count);
        }
        String sigmaText = params.get("sigma");
        if (sigmaText == null) {
            throw new IllegalArgumentException("sigma is required: the standard deviation of the noise added to "
                    + "the unit's prototype (0 decodes the prototype itself)");
        }
        double sigma;
        try {
            sigma = Double.parseDouble(sigmaText.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("sigma must be a number >= 0, got '" + sigmaText + "'");
        }
        if (!(sigma >= 0) || Double.isInfinite(sigma)) {
            throw new IllegalArgumentException("sigma must be a finite number >= 0, got " + sigmaText);
        }
        String seedText = params.get("seed");
        long seed;
        try {
            seed = seedText == null ? ThreadLocalRandom.current().nextLong() : Long.parseLong(seedText.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("seed must be an integer, got '" + seedText + "'");
        }
        return new GenerateQuery(unit, count, sigma, seed);
    }

    /**
     * Whether the answer is a PNG rather than JSON: what {@code accept} asks for when it names exactly one of
     * {@code image/png} and {@code application/json}; otherwise a PNG for one image and JSON for more.
     */
    boolean answerPng(String accept) {
        String lower = accept == null ? "" : accept.toLowerCase(Locale.ROOT);
        boolean png = lower.contains("image/png");
        boolean json = lower.contains("application/json");
        if (png != json) {
            return png;
        }
        return count == 1;
    }
}
