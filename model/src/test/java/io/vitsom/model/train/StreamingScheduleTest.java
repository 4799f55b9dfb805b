package io.vitsom.model.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.vitsom.model.config.VitSomConfig;
import org.junit.jupiter.api.Test;

class StreamingScheduleTest {
    private final VitSomConfig config = VitSomTrainerTest.tiny(0); // batch 16, Tmax 4, Tmin 0.1, gamma 0.005, lr 0.01

    @Test
    void aFiniteHorizonOfEpochsTimesTrainSizeIsTheEpochSchedule() {
        int trainSize = 100;
        int epochs = 3;
        TrainingPlan plan = new TrainingPlan(trainSize, config.batchSize(), epochs);
        EpochSchedule epoch = new EpochSchedule(config, plan);
        StreamingSchedule stream = new StreamingSchedule(config, (long) epochs * trainSize, epochs);
        assertThat(stream.horizonSteps()).isEqualTo(plan.totalSteps());
        for (long step = 0; step < plan.totalSteps(); step++) {
            assertThat(stream.temperature(step)).as("T at %d", step).isEqualTo(epoch.temperature(step));
            assertThat(stream.gamma(step)).as("gamma at %d", step).isEqualTo(epoch.gamma(step));
            assertThat(stream.learningRate(step)).as("lr at %d", step).isEqualTo(epoch.learningRate(step));
        }
    }

    @Test
    void holdsAfterTheHorizon() {
        // 160 images / 16 per batch = 10 steps in 2 pseudo-epochs of 5 steps.
        StreamingSchedule s = new StreamingSchedule(config, 160, 2);
        assertThat(s.stepsPerEpoch()).isEqualTo(5);
        assertThat(s.horizonSteps()).isEqualTo(10);
        // T(9) = 4 * (0.1/4)^(9/9) = 0.1, and it stays there.
        assertThat(s.temperature(9)).isCloseTo(0.1, within(1e-12));
        assertThat(s.temperature(10_000)).isEqualTo(s.temperature(9));
        // gamma ramps to its full value at step 5 (horizon / 2).
        assertThat(s.gamma(0)).isEqualTo(0.0);
        assertThat(s.gamma(5)).isEqualTo(0.005);
        assertThat(s.gamma(1_000_000)).isEqualTo(0.005);
        // Past the horizon the LR factor is the floor: max(min_lr, cosine(pi) = 0) = 1e-5; base = 0.01 * 16 / 256.
        assertThat(s.learningRate(10_000)).isCloseTo(0.01 * 16 / 256 * 1e-5, within(1e-15));
        // Warm-up: epoch 0 factor = min((0 + 1) / (1 + 1e-8), cos(0) = 1) with warmup_epochs 1.
        assertThat(s.learningRate(0)).isCloseTo(0.01 * 16 / 256 / (1 + 1e-8), within(1e-15));
    }

    @Test
    void rejectsAHorizonShorterThanItsEpochs() {
        assertThatThrownBy(() -> new StreamingSchedule(config, 1, 2)).hasMessageContaining("at least one image");
    }
}
