package io.vitsom.model.vae;

import ai.djl.ndarray.NDArray;

/**
 * The VAE's negative evidence lower bound with a KL weight: {@code reconstruction + beta * KL}, each term summed
 * over an image (its pixels, its latent dimensions) and averaged over the batch.
 *
 * <ul>
 *   <li>{@code KL(N(mu, sigma^2) || N(0, I)) = -1/2 sum_j (1 + logvar_j - mu_j^2 - exp(logvar_j))};
 *   <li>BCE: {@code -sum_p (x_p log y_p + (1 - x_p) log(1 - y_p))} with the decoder's output {@code y} clipped to
 *       {@code [1e-6, 1 - 1e-6]}: a saturated sigmoid rounds to exactly 0 or 1 in float32, where the log would be
 *       infinite;
 *   <li>MSE: {@code sum_p (y_p - x_p)^2}.
 * </ul>
 */
public final class VaeLoss {
    /** Keeps the BCE's logarithms finite. */
    static final float CLIP = 1e-6f;

    private VaeLoss() {
    }

    /**
     * The loss and its terms, scalars in the autograd graph.
     *
     * @param total {@code reconstruction + beta * kl}
     * @param reconstruction the reconstruction term
     * @param kl the KL term (unweighted)
     */
    public record Terms(NDArray total, NDArray reconstruction, NDArray kl) {
    }

    /**
     * The loss of reconstructions {@code y} of images {@code x} (both {@code [N, C, S, S]}) whose posteriors are
     * {@code mu} and {@code logvar} ({@code [N, latent]}).
     */
    public static Terms compute(NDArray y, NDArray x, NDArray mu, NDArray logvar, double beta,
                                VaeConfig.Reconstruction kind) {
        long n = x.getShape().get(0);
        NDArray flatX = x.reshape(n, -1);
        NDArray flatY = y.reshape(n, -1);
        NDArray perPixel = switch (kind) {
            case BCE -> {
                NDArray clipped = flatY.clip(CLIP, 1 - CLIP);
                NDArray oneMinusX = flatX.neg().add(1);
                yield flatX.mul(clipped.log()).add(oneMinusX.mul(clipped.neg().add(1).log())).neg();
            }
            case MSE -> flatY.sub(flatX).square();
        };
        NDArray reconstruction = perPixel.sum(new int[] {1}).mean();
        NDArray kl = logvar.add(1).sub(mu.square()).sub(logvar.exp()).sum(new int[] {1}).mul(-0.5f).mean();
        return new Terms(reconstruction.add(kl.mul((float) beta)), reconstruction, kl);
    }
}
