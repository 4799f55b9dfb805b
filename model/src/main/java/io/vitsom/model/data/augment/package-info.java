/**
 * Image augmentation of the reference's classification protocol, as pure Java operations on one
 * {@link io.vitsom.model.data.augment.FloatImage} (float CHW in [0, 1]).
 *
 * <p>The reference builds its transforms from PIL and torchvision/timm; each class here documents which
 * function it mirrors. Every random choice is drawn from a caller-supplied
 * {@link java.util.random.RandomGenerator}, so a seeded generator reproduces an augmentation exactly.
 * Compose with {@link io.vitsom.model.data.augment.TrainTransform} and
 * {@link io.vitsom.model.data.augment.EvalTransform}, configured by
 * {@link io.vitsom.model.data.augment.AugmentConfig}.
 */
package io.vitsom.model.data.augment;
