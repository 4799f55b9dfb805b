package io.vitsom.model.train;

/**
 * What one training step did, copied out of native memory.
 *
 * @param step global step index this update used (0 for the first)
 * @param reconLoss L1 reconstruction loss (NaN for classification)
 * @param clsLoss label-smoothed cross-entropy (NaN for clustering)
 * @param somLoss SOM loss before the gamma weight (NaN without a SOM)
 * @param totalLoss the optimised loss
 * @param temperature SOM temperature used
 * @param gamma SOM-loss weight used
 * @param learningRate learning rate used
 * @param bmus best-matching unit of each image (empty without a SOM)
 * @param bmuDistances distance of each image to its BMU (empty without a SOM)
 * @param secondBmus second-best unit of each image, the first minimum once the BMU is left out (empty without a
 *     SOM); with the BMU it gives the topographic error of the batch at no extra forward pass
 */
public record StepResult(long step, double reconLoss, double clsLoss, double somLoss, double totalLoss,
                         double temperature, double gamma, double learningRate, long[] bmus, float[] bmuDistances,
                         long[] secondBmus) {
}
