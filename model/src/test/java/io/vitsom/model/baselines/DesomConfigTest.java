package io.vitsom.model.baselines;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class DesomConfigTest {
    @Test
    void defaultsAreTheReferenceValues() {
        DesomConfig c = DesomConfig.defaults();
        assertThat(c.encoderDims()).containsExactly(784, 500, 500, 2000, 10);
        assertThat(c.mapRows()).isEqualTo(8);
        assertThat(c.mapCols()).isEqualTo(8);
        assertThat(c.gamma()).isEqualTo(0.001);
        assertThat(c.tMax()).isEqualTo(10.0);
        assertThat(c.tMin()).isEqualTo(0.1);
        assertThat(c.iterations()).isEqualTo(10_000);
        assertThat(c.somIterations()).isEqualTo(10_000);
        assertThat(c.pretrainEpochs()).isEqualTo(200);
        assertThat(c.batchSize()).isEqualTo(256);
        assertThat(c.learningRate()).isEqualTo(1e-3);
        assertThat(c.inputDim()).isEqualTo(784);
        assertThat(c.latentDim()).isEqualTo(10);
        assertThat(c.units()).isEqualTo(64);
        assertThat(c.withMapSize(40, 40).units()).isEqualTo(1600);
    }

    @Test
    void temperatureDecaysExponentiallyFromTmaxToTminThenStays() {
        DesomConfig c = DesomConfig.defaults();
        assertThat(c.temperature(0)).isEqualTo(10.0);
        assertThat(c.temperature(9_999)).isCloseTo(0.1, within(1e-12));
        assertThat(c.temperature(25_000)).isCloseTo(0.1, within(1e-12));
        // 3 decay iterations: 10, 10 * (0.01)^(1/2) = 1, 0.1
        DesomConfig three = c.withTemperature(10, 0.1, 3);
        assertThat(three.temperature(1)).isCloseTo(1.0, within(1e-12));
        assertThat(three.temperature(2)).isCloseTo(0.1, within(1e-12));
    }

    @Test
    void pretrainingStepsCountThePartialLastBatch() {
        // 200 epochs of ceil(60000 / 256) = 235 batches.
        assertThat(DesomConfig.defaults().pretrainSteps(60_000)).isEqualTo(47_000L);
        assertThat(DesomConfig.defaults().withTraining(10, 0).pretrainSteps(60_000)).isZero();
    }

    @Test
    void invalidValuesFailNamingTheField() {
        DesomConfig d = DesomConfig.defaults();
        assertThatThrownBy(() -> d.withMapSize(0, 8)).hasMessageContaining("DesomConfig.mapRows");
        assertThatThrownBy(() -> d.withMapSize(8, -1)).hasMessageContaining("DesomConfig.mapCols");
        assertThatThrownBy(() -> d.withEncoderDims(List.of(784))).hasMessageContaining("DesomConfig.encoderDims");
        assertThatThrownBy(() -> d.withEncoderDims(List.of(784, 0, 10))).hasMessageContaining("DesomConfig.encoderDims[1]");
        assertThatThrownBy(() -> d.withLoss(-1, 1e-3)).hasMessageContaining("DesomConfig.gamma");
        assertThatThrownBy(() -> d.withLoss(0.001, 0)).hasMessageContaining("DesomConfig.learningRate");
        assertThatThrownBy(() -> d.withTemperature(1, 2, 10)).hasMessageContaining("DesomConfig.tMin");
        assertThatThrownBy(() -> d.withTemperature(0, 0.1, 10)).hasMessageContaining("DesomConfig.tMax");
        assertThatThrownBy(() -> d.withTemperature(10, 0.1, 1)).hasMessageContaining("DesomConfig.somIterations");
        assertThatThrownBy(() -> d.withTraining(0, 0)).hasMessageContaining("DesomConfig.iterations");
        assertThatThrownBy(() -> d.withTraining(10, -1)).hasMessageContaining("DesomConfig.pretrainEpochs");
        assertThatThrownBy(() -> new DesomConfig(d.encoderDims(), 8, 8, 0.001, 10, 0.1, 10, 10, 0, 0, 1e-3, 0.9, 0.999))
                .hasMessageContaining("DesomConfig.batchSize");
        assertThatThrownBy(() -> new DesomConfig(d.encoderDims(), 8, 8, 0.001, 10, 0.1, 10, 10, 0, 8, 1e-3, 1.0, 0.999))
                .hasMessageContaining("DesomConfig.beta1");
        assertThatThrownBy(() -> new DesomConfig(d.encoderDims(), 8, 8, 0.001, 10, 0.1, 10, 10, 0, 8, 1e-3, 0.9, -0.1))
                .hasMessageContaining("DesomConfig.beta2");
    }

    @Test
    void encoderDimsAreCopiedAndImmutable() {
        java.util.ArrayList<Integer> dims = new java.util.ArrayList<>(List.of(4, 3, 2));
        DesomConfig c = DesomConfig.defaults().withEncoderDims(dims);
        dims.set(0, 99);
        assertThat(c.encoderDims()).containsExactly(4, 3, 2);
        assertThatThrownBy(() -> c.encoderDims().set(0, 1)).isInstanceOf(UnsupportedOperationException.class);
    }
}
