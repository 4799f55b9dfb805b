package io.vitsom.model.vae;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;

/**
 * The VAE's negative evidence lower bound with a KL weight: {@code reconstruction + beta * KL}, each term summed
 * over an image (its pixels, its latent dimensions) and averaged over the batch.
 *
 * <ul>
 *   <li>{@code KL(N(mu, sigma^2) || N(0, I)) = -1/2 sum_j (1 + logvar_j - mu_j^2 - exp(logvar_j))};
 *   <li>BCE: {@code -sum_p (x_p log y_p + (1 - x_p) log(1 - y_p))} with {@code y = sigmoid(l)}, computed from the
 *       logits {@code l} as {@code max(l, 0) - l x + log(1 + exp(-|l|))}: finite for any logit, and its gradient
 *       {@code sigmoid(l) - x} never vanishes where the sigmoid has saturated (an earlier version clipped {@code y}
 *       to {@code [1e-6, 1 - 1e-6]}, which froze saturated pixels, and its VAE diverged after 17 epochs);
 *   <li>MSE: {@code sum_p (y_p - x_p)^2}, {@code y = sigmoid(l)}.
 * </ul>
 */
public final class VaeLoss {
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
     * The loss of reconstructions with pixel logits {@code logits} of images {@code x} (both {@code [N, C, S, S]})
     * whose posteriors are {@code mu} and {@code logvar} ({@code [N, latent]}).
     */
    public static Terms compute(NDArray logits, NDArray x, NDArray mu, NDArray logvar, double beta,
                                VaeConfig.Reconstruction kind) {
        long n = x.getShape().get(0);
        NDArray flatX = x.reshape(n, -1);
        NDArray flatL = logits.reshape(n, -1);
        NDArray perPixel = switch (kind) {
            case BCE -> flatL.maximum(0f).sub(flatL.mul(flatX)).add(flatL.abs().neg().exp().add(1f).log());
            case MSE -> Activation.sigmoid(flatL).sub(flatX).square();
        };
        NDArray reconstruction = perPixel.sum(new int[] {1}).mean();
        NDArray kl = logvar.add(1).sub(mu.square()).sub(logvar.exp()).sum(new int[] {1}).mul(-0.5f).mean();
        return new Terms(reconstruction.add(kl.mul((float) beta)), reconstruction, kl);
    }
}
