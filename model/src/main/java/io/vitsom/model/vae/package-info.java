/**
 * The VAE baseline of seed 004 (Gen-SOM-Attn): a variational autoencoder "of comparable size", built from the same
 * {@link io.vitsom.model.nn.ConvEncoder} and {@link io.vitsom.model.nn.ConvDecoder} as Gen-SOM-Attn, so that the
 * two differ by their latent machinery only.
 *
 * <p>{@link io.vitsom.model.vae.VaeConfig} reads {@code model_arch: vae} configs (strict YAML);
 * {@link io.vitsom.model.vae.VaeNet} is the network block, {@link io.vitsom.model.vae.VaeLoss} the loss,
 * {@link io.vitsom.model.vae.VaeModel} reconstructs, samples, saves and loads, and
 * {@link io.vitsom.model.vae.VaeTrainer} takes Adam steps. It is not a map model: it has no grid and is not
 * registered with {@code MapModels}.
 */
package io.vitsom.model.vae;
