package io.vitsom.model.vae;

/**
 * What one VAE training step measured, on its batch before the update.
 *
 * @param step the step's index (from 0)
 * @param loss {@code reconstruction + beta * kl}
 * @param reconstruction the reconstruction term (per image, batch mean)
 * @param kl the KL term (per image, batch mean), unweighted
 */
public record VaeStepResult(long step, double loss, double reconstruction, double kl) {
}
