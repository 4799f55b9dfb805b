/**
 * Baselines the ViT-SOM is compared with, built from the same DJL pieces.
 *
 * <p>DESOM (Forest, Lebbah, Azzag, Lacaille, "Deep Embedded SOM", 2019; reference code
 * github.com/FlorentF9/DESOM): {@link io.vitsom.model.baselines.DesomConfig} holds the reference's
 * hyperparameters, {@link io.vitsom.model.baselines.Desom} is the model (an
 * {@link io.vitsom.model.baselines.MlpAutoencoder} plus an {@link io.vitsom.model.baselines.EuclideanSomLayer}
 * on its code), {@link io.vitsom.model.baselines.DesomTrainer} takes one pre-training or joint step and
 * {@link io.vitsom.model.baselines.DesomPredictor} assigns BMUs and returns codes.
 */
package io.vitsom.model.baselines;
