package io.vitsom.model.baselines.somvae;

/**
 * What one SOM-VAE training step did, copied out of native memory. Losses are the values before the update.
 *
 * @param step optimizer step this was (0 for the first)
 * @param learningRate learning rate used, after the staircase decay
 * @param reconstructionQ MSE of the z_q reconstruction (mean over batch and features)
 * @param reconstructionE MSE of the z_e reconstruction
 * @param commitment commitment loss {@code mean((z_e - z_q)^2)} over batch and latent dims, before alpha
 * @param som SOM loss {@code mean((sg(z_e) - n)^2)} over batch, the 5 stacked vectors n (BMU, up, down, right,
 *            left; a zero vector for a neighbour off the grid) and latent dims, before beta
 * @param total the optimised loss {@code reconstructionQ + reconstructionE + alpha * commitment + beta * som}
 * @param bmus BMU of each input before the update
 */
public record SomVaeStepResult(long step, double learningRate, double reconstructionQ, double reconstructionE,
                               double commitment, double som, double total, long[] bmus) {
    /** The reference's {@code loss_reconstruction}: both reconstruction errors summed. */
    public double reconstruction() {
        return reconstructionQ + reconstructionE;
    }
}
