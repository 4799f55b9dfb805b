/**
 * The SOM-VAE baseline (Fortuin, Hüser, Locatello, Strathmann, Rätsch, "SOM-VAE: Interpretable Discrete
 * Representation Learning on Time Series", ICLR 2019; reference code github.com/ratschlab/SOM-VAE), fully
 * connected variant for flattened images.
 *
 * <p>{@link io.vitsom.model.baselines.somvae.SomVaeConfig} holds the reference's hyperparameters,
 * {@link io.vitsom.model.baselines.somvae.SomVae} is the model (an encoder, a
 * {@link io.vitsom.model.baselines.somvae.SomVaeSomLayer} of embeddings and decoders for z_q and z_e, each a
 * {@link io.vitsom.model.baselines.somvae.SomVaeMlp}), {@link io.vitsom.model.baselines.somvae.SomVaeTrainer}
 * takes one step and {@link io.vitsom.model.baselines.somvae.SomVaePredictor} assigns BMUs.
 */
package io.vitsom.model.baselines.somvae;
