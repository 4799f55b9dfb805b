/**
 * URL-SOM (seed paper 003, Kermiche): a self-organizing map learned end to end by a ResNet backbone, a linear
 * projection to a 2-D map, a fixed radial kernel over the map and a softmax, trained without labels on two
 * augmented views of every image with a loss of winner-take-all, anti-collapse and view-similarity terms.
 *
 * <p>{@link io.vitsom.model.urlsom.UrlSomConfig} reads {@code model_arch: url_som} configs;
 * {@link io.vitsom.model.urlsom.UrlSomFamily} registers the model with {@code MapModels}, which builds a
 * {@link io.vitsom.model.urlsom.UrlSomModel} (the {@code MapModel}: assignment, prototypes, unit pictures) and its
 * {@link io.vitsom.model.urlsom.UrlSomTrainer}. The network is {@link io.vitsom.model.urlsom.UrlSomNet}: one DJL
 * block per component ({@link io.vitsom.model.urlsom.ResNetBackbone}, {@link io.vitsom.model.urlsom.MapProjection}).
 * {@link io.vitsom.model.urlsom.UrlSomViews}, {@link io.vitsom.model.urlsom.UrlSomLoss} and
 * {@link io.vitsom.model.urlsom.MapKernel} are the augmentation, the loss and the kernel.
 */
package io.vitsom.model.urlsom;
