package io.vitsom.model.gensom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class CompetitiveScheduleTest {

    /**
     * eta 0.5 -> 0.01 and sigma 6 -> 0.5 over 101 steps: step 0 the start values, step 50 (half way) the geometric
     * means sqrt(0.5 * 0.01) = 0.0707107 and sqrt(6 * 0.5) = 1.7320508, step 100 and later the end values.
     */
    @Test
    void decaysExponentiallyFromStartToEndThenHolds() {
        CompetitiveSchedule s = new CompetitiveSchedule(0.5, 0.01, 6.0, 0.5, 101);
        assertThat(s.eta(0)).isEqualTo(0.5);
        assertThat(s.sigma(0)).isEqualTo(6.0);
        assertThat(s.eta(50)).isCloseTo(0.0707107, within(1e-7));
        assertThat(s.sigma(50)).isCloseTo(1.7320508, within(1e-7));
        assertThat(s.eta(100)).isCloseTo(0.01, within(1e-12));
        assertThat(s.sigma(100)).isCloseTo(0.5, within(1e-12));
        assertThat(s.eta(5000)).isCloseTo(0.01, within(1e-12));
        assertThat(s.sigma(-3)).isEqualTo(6.0);
        // A quarter of the way: 6 * (0.5 / 6)^0.25 = 3.2237097.
        assertThat(s.sigma(25)).isCloseTo(3.2237097, within(1e-6));
    }

    @Test
    void aOneStepHorizonHoldsTheEndValues() {
        CompetitiveSchedule s = new CompetitiveSchedule(0.5, 0.01, 6.0, 0.5, 1);
        assertThat(s.eta(0)).isCloseTo(0.01, within(1e-12));
        assertThat(s.sigma(0)).isCloseTo(0.5, within(1e-12));
    }

    @Test
    void rejectsNonPositiveValuesAndHorizons() {
        assertThatThrownBy(() -> new CompetitiveSchedule(0.5, 0, 6, 0.5, 10)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new CompetitiveSchedule(0.5, 0.1, 6, 0.5, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    /** The seed run: 20 epochs of 938 steps; temperature is sigma, gamma is eta, the learning rate Adam's 1e-3. */
    @Test
    void genSomScheduleMapsSigmaEtaAndTheLearningRateOntoTheTrainingScheduleNames() {
        GenSomConfig config = GenSomConfig.parse(GenSomTestConfigs.seedYaml(), "seed");
        GenSomSchedule offline = GenSomSchedule.epochs(config, 938);
        assertThat(offline.horizonSteps()).isEqualTo(18_760);
        assertThat(offline.temperature(0)).isEqualTo(6.0);
        assertThat(offline.gamma(0)).isEqualTo(0.5);
        assertThat(offline.temperature(18_759)).isCloseTo(0.5, within(1e-12));
        assertThat(offline.gamma(18_759)).isCloseTo(0.01, within(1e-12));
        assertThat(offline.learningRate(1234)).isEqualTo(0.001);
        assertThat(offline.maxTemperature()).isEqualTo(6.0);
        assertThat(offline.peakLearningRate()).isEqualTo(0.001);
        GenSomSchedule streaming = GenSomSchedule.streaming(config, 6400);
        assertThat(streaming.horizonSteps()).isEqualTo(100);
        assertThat(GenSomSchedule.streaming(config, 10).horizonSteps()).isEqualTo(1);
    }
}
