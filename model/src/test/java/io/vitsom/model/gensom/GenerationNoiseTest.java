package io.vitsom.model.gensom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class GenerationNoiseTest {
    private static final float[] PROTOTYPE = {0.5f, -1f, 2f};

    @Test
    void zeroSigmaReturnsThePrototypeExactly() {
        float[] z = GenerationNoise.perturb(PROTOTYPE, 0, new Random(1));
        assertThat(z).containsExactly(PROTOTYPE);
        assertThat(z).isNotSameAs(PROTOTYPE);
    }

    @Test
    void theSameSeedGivesTheSameDraws() {
        assertThat(GenerationNoise.perturb(PROTOTYPE, 0.3, new Random(7)))
                .containsExactly(GenerationNoise.perturb(PROTOTYPE, 0.3, new Random(7)));
        assertThat(GenerationNoise.perturb(PROTOTYPE, 0.3, new Random(7)))
                .isNotEqualTo(GenerationNoise.perturb(PROTOTYPE, 0.3, new Random(8)));
    }

    /** 20 000 draws: mean within 0.01 of the prototype and standard deviation within 2% of sigma, per component. */
    @Test
    void drawsAreCentredOnThePrototypeWithStandardDeviationSigma() {
        Random random = new Random(3);
        int n = 20_000;
        double sigma = 0.4;
        double[] sum = new double[3];
        double[] sumSq = new double[3];
        for (int i = 0; i < n; i++) {
            float[] z = GenerationNoise.perturb(PROTOTYPE, sigma, random);
            for (int d = 0; d < 3; d++) {
                sum[d] += z[d];
                sumSq[d] += z[d] * (double) z[d];
            }
        }
        for (int d = 0; d < 3; d++) {
            double mean = sum[d] / n;
            double std = Math.sqrt(sumSq[d] / n - mean * mean);
            assertThat(mean).as("mean %d", d).isCloseTo(PROTOTYPE[d], within(0.01));
            assertThat(std).as("std %d", d).isCloseTo(sigma, within(0.02 * sigma));
        }
    }

    @Test
    void rejectsNegativeOrNonFiniteSigma() {
        assertThatThrownBy(() -> GenerationNoise.perturb(PROTOTYPE, -0.1, new Random(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> GenerationNoise.perturb(PROTOTYPE, Double.NaN, new Random(1)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
