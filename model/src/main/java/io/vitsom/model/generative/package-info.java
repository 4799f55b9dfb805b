/**
 * Metrics for generative models, computed with this project's own Fashion-MNIST classifier rather than
 * Inception-v3: {@link io.vitsom.model.generative.FrechetDistance} ("FID (FMNIST classifier features)", on the
 * classifier's 128-d feature layer), {@link io.vitsom.model.generative.InceptionScore} ("IS (FMNIST classifier)", on
 * its class probabilities), {@link io.vitsom.model.generative.FeatureClassifier} (the classifier: training, accuracy,
 * features, probabilities, save and load) and {@link io.vitsom.model.generative.SymmetricEigen} (the Jacobi
 * eigendecomposition behind the Fréchet distance's matrix square roots). The values compare models evaluated with the
 * same saved classifier; they are not comparable with published Inception-based FID or IS numbers.
 */
package io.vitsom.model.generative;
