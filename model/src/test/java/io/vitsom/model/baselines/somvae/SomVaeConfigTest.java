package io.vitsom.model.baselines.somvae;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class SomVaeConfigTest {
    @Test
    void defaultsAreTheReferenceValues() {
        SomVaeConfig c = SomVaeConfig.defaults();
        assertThat(c.encoderDims()).containsExactly(784, 256, 128, 64);
        assertThat(c.somRows()).isEqualTo(8);
        assertThat(c.somCols()).isEqualTo(8);
        assertThat(c.alpha()).isEqualTo(1.0);
        assertThat(c.beta()).isEqualTo(0.9);
        assertThat(c.gradientCopying()).isTrue();
        assertThat(c.learningRate()).isEqualTo(5e-4);
        assertThat(c.decayFactor()).isEqualTo(0.9);
        assertThat(c.decaySteps()).isEqualTo(1000);
        assertThat(c.batchSize()).isEqualTo(32);
        assertThat(c.epochs()).isEqualTo(20);
        assertThat(c.beta1()).isEqualTo(0.9);
        assertThat(c.beta2()).isEqualTo(0.999);
        assertThat(c.inputDim()).isEqualTo(784);
        assertThat(c.latentDim()).isEqualTo(64);
        assertThat(c.units()).isEqualTo(64);
        assertThat(c.withMapSize(40, 40).units()).isEqualTo(1600);
        assertThat(c.withGradientCopying(false).gradientCopying()).isFalse();
        assertThat(c.withLossWeights(0.5, 2.0).beta()).isEqualTo(2.0);
    }

    @Test
    void learningRateDecaysInStaircaseSteps() {
        SomVaeConfig c = SomVaeConfig.defaults();
        // 5e-4 * 0.9^floor(step / 1000)
        assertThat(c.learningRate(0)).isEqualTo(5e-4);
        assertThat(c.learningRate(999)).isEqualTo(5e-4);
        assertThat(c.learningRate(1000)).isCloseTo(4.5e-4, within(1e-15));
        assertThat(c.learningRate(2500)).isCloseTo(4.05e-4, within(1e-15));
        assertThatThrownBy(() -> c.learningRate(-1)).hasMessageContaining("step");
    }

    @Test
    void invalidValuesNameTheField() {
        SomVaeConfig c = SomVaeConfig.defaults();
        assertThatThrownBy(() -> c.withEncoderDims(List.of(784))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("SomVaeConfig.encoderDims");
        assertThatThrownBy(() -> c.withEncoderDims(List.of(784, 0, 64))).hasMessageContaining("encoderDims[1]");
        assertThatThrownBy(() -> c.withEncoderDims(null)).hasMessageContaining("encoderDims");
        assertThatThrownBy(() -> c.withMapSize(0, 8)).hasMessageContaining("SomVaeConfig.somRows");
        assertThatThrownBy(() -> c.withMapSize(8, -1)).hasMessageContaining("SomVaeConfig.somCols");
        assertThatThrownBy(() -> c.withLossWeights(-1, 0.9)).hasMessageContaining("SomVaeConfig.alpha");
        assertThatThrownBy(() -> c.withLossWeights(1, Double.NaN)).hasMessageContaining("SomVaeConfig.beta");
        assertThatThrownBy(() -> c.withLearningRate(0, 0.9, 1000)).hasMessageContaining("SomVaeConfig.learningRate");
        assertThatThrownBy(() -> c.withLearningRate(1e-3, 1.5, 1000)).hasMessageContaining("SomVaeConfig.decayFactor");
        assertThatThrownBy(() -> c.withLearningRate(1e-3, 0.9, 0)).hasMessageContaining("SomVaeConfig.decaySteps");
        assertThatThrownBy(() -> new SomVaeConfig(List.of(4, 2), 2, 2, 1, 1, true, 1e-3, 0.9, 10, 0, 1, 0.9, 0.999))
                .hasMessageContaining("SomVaeConfig.batchSize");
        assertThatThrownBy(() -> new SomVaeConfig(List.of(4, 2), 2, 2, 1, 1, true, 1e-3, 0.9, 10, 2, 0, 0.9, 0.999))
                .hasMessageContaining("SomVaeConfig.epochs");
        assertThatThrownBy(() -> new SomVaeConfig(List.of(4, 2), 2, 2, 1, 1, true, 1e-3, 0.9, 10, 2, 1, 1.0, 0.999))
                .hasMessageContaining("SomVaeConfig.beta1");
        assertThatThrownBy(() -> new SomVaeConfig(List.of(4, 2), 2, 2, 1, 1, true, 1e-3, 0.9, 10, 2, 1, 0.9, -0.1))
                .hasMessageContaining("SomVaeConfig.beta2");
    }

    @Test
    void encoderDimsAreCopied() {
        List<Integer> dims = new java.util.ArrayList<>(List.of(4, 3, 2));
        SomVaeConfig c = SomVaeConfig.defaults().withEncoderDims(dims);
        dims.set(0, 99);
        assertThat(c.inputDim()).isEqualTo(4);
        assertThat(c.latentDim()).isEqualTo(2);
    }
}
