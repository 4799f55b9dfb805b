/**
 * Gen-SOM-Attn (seed paper 004, "Generative Self-Organizing Map with Attention"): a convolutional autoencoder whose
 * latent, refined by self-attention, is organised by a Kohonen SOM trained with the classic competitive rule (no
 * gradient); images are reconstructed from the best-matching prototype and generated as
 * {@code D(w_i + N(0, sigma^2 I))}.
 *
 * <p>{@link io.vitsom.model.gensom.GenSomConfig} reads {@code model_arch: gen_som_attn} configs (and documents the
 * choices the seed leaves open); {@link io.vitsom.model.gensom.GenSomFamily} registers the model with
 * {@code MapModels}, which builds a {@link io.vitsom.model.gensom.GenSomModel} (the {@code MapModel} and
 * {@code UnitSampler}) and its {@link io.vitsom.model.gensom.GenSomTrainer}. The network is
 * {@link io.vitsom.model.gensom.GenSomNet} ({@code ConvEncoder}, {@link io.vitsom.model.gensom.LatentAttention},
 * {@link io.vitsom.model.gensom.LatentProjection}, {@code ConvDecoder}); the map is
 * {@link io.vitsom.model.gensom.KohonenCodebook} with {@link io.vitsom.model.gensom.CompetitiveSchedule};
 * {@link io.vitsom.model.gensom.GenerationNoise} is the sampling noise.
 */
package io.vitsom.model.gensom;
