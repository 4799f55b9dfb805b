package io.vitsom.model.data.augment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;
import org.junit.jupiter.api.Test;

class TransformsTest {
    @Test
    void trainTransformKeepsShapeAndIsReproducibleFromTheSeed() {
        TrainTransform train = new TrainTransform(AugmentConfig.cifar(8));
        FloatImage image = TestImages.levels(3, 8, 8, 12);
        FloatImage a = train.apply(image, seeded(7));
        FloatImage b = train.apply(image, seeded(7));
        FloatImage c = train.apply(image, seeded(8));
        TestImages.assertSameShape(a, image);
        assertThat(a.data()).containsExactly(b.data());
        assertThat(a.data()).isNotEqualTo(c.data());
    }

    @Test
    void trainTransformWithoutRandomStepsOnlyNormalises() {
        AugmentConfig config = new AugmentConfig(4, 1.0, 1.0, 1.0, 1.0, 0, 0, 1, 0.0, 0.0, 0.02, 1.0 / 3.0, 0.3,
                new double[] {0.5}, new double[] {0.25}, 0.875);
        FloatImage image = TestImages.levels(1, 4, 4, 2);
        FloatImage out = new TrainTransform(config).apply(image, new SplittableRandom(0));
        for (int i = 0; i < out.data().length; i++) {
            assertThat(out.data()[i]).isCloseTo((image.data()[i] - 0.5f) / 0.25f, within(1e-5f));
        }
    }

    @Test
    void trainTransformRejectsImagesOfAnotherShape() {
        TrainTransform train = new TrainTransform(AugmentConfig.cifar(8));
        assertThatThrownBy(() -> train.apply(TestImages.levels(3, 6, 6, 1), new SplittableRandom(0)))
                .hasMessage("image is 3x6x6, config expects 3x8x8");
    }

    @Test
    void evalTransformResizesToSizeOverCropFractionThenCentreCrops() {
        EvalTransform eval = new EvalTransform(AugmentConfig.cifar(32));
        assertThat(eval.resizeSize()).isEqualTo(36);
        FloatImage out = eval.apply(TestImages.levels(3, 32, 32, 5));
        assertThat(out.shape()).isEqualTo("3x32x32");
        FloatImage wide = eval.apply(TestImages.levels(3, 32, 48, 5));
        assertThat(wide.shape()).isEqualTo("3x32x32");
    }

    @Test
    void evalTransformOfAConstantImageIsTheNormalisedConstant() {
        EvalTransform eval = new EvalTransform(AugmentConfig.cifar(4));
        FloatImage out = eval.apply(TestImages.constant(3, 4, 4, 0.4914f), new SplittableRandom(0));
        assertThat(out.shape()).isEqualTo("3x4x4");
        for (int x = 0; x < 4; x++) {
            assertThat(out.at(0, 0, x)).isCloseTo(0f, within(1e-5f));
        }
    }

    @Test
    void configValidationNamesTheField() {
        AugmentConfig ok = AugmentConfig.cifar(32);
        assertThatThrownBy(() -> ok.withFlipProbability(1.2)).hasMessage("flipProbability must be in [0, 1], got 1.2");
        assertThatThrownBy(() -> ok.withErasingProbability(Double.NaN))
                .hasMessage("erasingProbability must be in [0, 1], got NaN");
        assertThatThrownBy(() -> new AugmentConfig(32, 0.5, 0.1, 0.75, 1.33, 2, 9, 31, 0.5, 0.25, 0.02, 0.33, 0.3,
                        new double[] {0}, new double[] {1}, 0.875))
                .hasMessageContaining("cropScaleMin/cropScaleMax");
        assertThatThrownBy(() -> new AugmentConfig(32, 0.08, 1, 0.75, 1.33, 2, 9, 31, 0.5, 0.25, 0.02, 0.33, 0.3,
                        new double[] {0, 0}, new double[] {1}, 0.875))
                .hasMessageContaining("mean and std");
        assertThatThrownBy(() -> new AugmentConfig(32, 0.08, 1, 0.75, 1.33, 2, 9, 31, 0.5, 0.25, 0.02, 0.33, 0.3,
                        new double[] {0}, new double[] {1}, 0))
                .hasMessageContaining("evalCropFraction");
    }

    @Test
    void configIsImmutableAndComparesArraysByContent() {
        AugmentConfig config = AugmentConfig.cifar(32);
        config.mean()[0] = 9;
        assertThat(config.mean()[0]).isEqualTo(0.4914);
        assertThat(config).isEqualTo(AugmentConfig.cifar(32)).hasSameHashCodeAs(AugmentConfig.cifar(32));
        assertThat(config.withFlipProbability(0.0)).isNotEqualTo(config);
    }

    private static RandomGenerator seeded(long seed) {
        return RandomGeneratorFactory.of("L64X128MixRandom").create(seed);
    }
}
