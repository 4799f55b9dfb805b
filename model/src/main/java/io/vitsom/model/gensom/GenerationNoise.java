package io.vitsom.model.gensom;

import java.util.Objects;
import java.util.Random;

/**
 * The seed's source of non-determinism (section 2.3): a latent {@code z = w + eps}, {@code eps ~ N(0, sigma^2 I)},
 * drawn around a prototype {@code w}, which the decoder turns into a new image.
 */
public final class GenerationNoise {
    private GenerationNoise() {
    }

    /**
     * {@code prototype + sigma * N(0, I)}, one {@code random.nextGaussian()} per component in order; {@code sigma = 0}
     * returns an exact copy of the prototype (and draws nothing).
     *
     * @throws IllegalArgumentException when {@code sigma} is negative or not finite
     */
    public static float[] perturb(float[] prototype, double sigma, Random random) {
        Objects.requireNonNull(prototype, "prototype");
        Objects.requireNonNull(random, "random");
        if (!(sigma >= 0) || !Double.isFinite(sigma)) {
            throw new IllegalArgumentException("sigma must be finite and >= 0, got " + sigma);
        }
        float[] z = prototype.clone();
        if (sigma == 0) {
            return z;
        }
        for (int i = 0; i < z.length; i++) {
            z[i] += (float) (sigma * random.nextGaussian());
        }
        return z;
    }
}
