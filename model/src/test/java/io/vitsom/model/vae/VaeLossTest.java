package io.vitsom.model.vae;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;

class VaeLossTest {

    /**
     * One image of three pixels x = (1, 0, 0.5), reconstructed as y = (0.5, 0.25, 0.5), with a 2-d posterior
     * mu = (1, 0), logvar = (0, ln 4):
     * <ul>
     *   <li>KL per dimension {@code (mu^2 + sigma^2 - 1 - ln sigma^2) / 2}: (1 + 1 - 1 - 0) / 2 = 0.5 and
     *       (0 + 4 - 1 - ln 4) / 2 = 0.806853; sum 1.306853;
     *   <li>BCE: -ln 0.5 - ln 0.75 - (0.5 ln 0.5 + 0.5 ln 0.5) = 0.693147 + 0.287682 + 0.693147 = 1.673976;
     *   <li>MSE: 0.25 + 0.0625 + 0 = 0.3125.
     * </ul>
     */
    @Test
    void termsMatchTheHandComputedCase() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(new float[] {1, 0, 0.5f}, new Shape(1, 1, 1, 3));
            NDArray y = logits(m, new float[] {0.5f, 0.25f, 0.5f}, new Shape(1, 1, 1, 3));
            NDArray mu = m.create(new float[] {1, 0}, new Shape(1, 2));
            NDArray logvar = m.create(new float[] {0, (float) Math.log(4)}, new Shape(1, 2));
            VaeLoss.Terms bce = VaeLoss.compute(y, x, mu, logvar, 1.0, VaeConfig.Reconstruction.BCE);
            assertThat(bce.kl().getFloat()).isCloseTo(1.306853f, within(1e-5f));
            assertThat(bce.reconstruction().getFloat()).isCloseTo(1.673976f, within(1e-5f));
            assertThat(bce.total().getFloat()).isCloseTo(1.673976f + 1.306853f, within(1e-5f));
            VaeLoss.Terms mse = VaeLoss.compute(y, x, mu, logvar, 0.5, VaeConfig.Reconstruction.MSE);
            assertThat(mse.reconstruction().getFloat()).isCloseTo(0.3125f, within(1e-6f));
            assertThat(mse.total().getFloat()).isCloseTo(0.3125f + 0.5f * 1.306853f, within(1e-5f));
        }
    }

    /** Two images: each term is the per-image sum averaged over the batch, and a standard normal posterior has KL 0. */
    @Test
    void termsAreBatchMeansOfPerImageSumsAndAPerfectPosteriorHasNoKl() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(new float[] {1, 0, 0, 0}, new Shape(2, 1, 1, 2));
            NDArray y = logits(m, new float[] {0.5f, 0, 0, 0.5f}, new Shape(2, 1, 1, 2));
            NDArray zero = m.zeros(new Shape(2, 4));
            VaeLoss.Terms t = VaeLoss.compute(y, x, zero, zero, 1.0, VaeConfig.Reconstruction.MSE);
            // Image 0: 0.25 + 0; image 1: 0 + 0.25; mean 0.25.
            assertThat(t.reconstruction().getFloat()).isCloseTo(0.25f, within(1e-7f));
            assertThat(t.kl().getFloat()).isZero();
        }
    }

    /**
     * A saturated output (logit -50, a sigmoid that is 0 in float32, where the pixel is 1) gives the exact loss, 50,
     * and keeps its gradient, sigmoid(l) - x = -1: a loss on clipped probabilities would give none.
     */
    @Test
    void aSaturatedOutputHasItsExactBceAndKeepsItsGradient() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(new float[] {1}, new Shape(1, 1, 1, 1));
            NDArray l = m.create(new float[] {-50}, new Shape(1, 1, 1, 1));
            l.setRequiresGradient(true);
            NDArray zero = m.zeros(new Shape(1, 1));
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                VaeLoss.Terms t = VaeLoss.compute(l, x, zero, zero, 1.0, VaeConfig.Reconstruction.BCE);
                assertThat(t.reconstruction().getFloat()).isCloseTo(50f, within(1e-4f));
                collector.backward(t.total());
            }
            assertThat(l.getGradient().getFloat()).isCloseTo(-1f, within(1e-6f));
        }
    }

    /** The logits of probabilities {@code p} (0 and 1 map to -50 and 50, saturated). */
    private static NDArray logits(NDManager m, float[] p, Shape shape) {
        float[] l = new float[p.length];
        for (int i = 0; i < p.length; i++) {
            l[i] = p[i] <= 0 ? -50f : p[i] >= 1 ? 50f : (float) Math.log(p[i] / (1 - p[i]));
        }
        return m.create(l, shape);
    }
}
