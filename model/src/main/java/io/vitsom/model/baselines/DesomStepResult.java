package io.vitsom.model.baselines;

/**
 * What one DESOM training step did, copied out of native memory.
 *
 * @param iteration joint-training iteration this step used (0 for the first); -1 for a pre-training step
 * @param reconLoss MSE reconstruction loss (mean over batch and features, Keras' {@code mse})
 * @param somLoss SOM loss before the gamma weight: mean over the batch of {@code sum_k w(bmu, k) * d(z, m_k)};
 *                NaN for a pre-training step
 * @param totalLoss the optimised loss, {@code reconLoss + gamma * somLoss} (just {@code reconLoss} when pre-training)
 * @param temperature neighbourhood temperature used (NaN for a pre-training step)
 * @param bmus best-matching unit of each input before the update (empty for a pre-training step)
 */
public record DesomStepResult(long iteration, double reconLoss, double somLoss, double totalLoss, double temperature,
                              long[] bmus) {
}
