package io.vitsom.model.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class SchedulesTest {

    @Test
    void temperatureStartsAtTmaxAndReachesTminAtTheLastIteration() {
        assertThat(Schedules.temperature(20, 0.001, 0, 100)).isEqualTo(20.0);
        assertThat(Schedules.temperature(20, 0.001, 99, 100)).isCloseTo(0.001, within(1e-12));
    }

    @Test
    void temperatureAtAThirdOfTheWayIsTheCubeRootOfTheRatio() {
        // 33 / 99 = 1/3: 20 * (0.001 / 20)^(1/3) = 20 * (5e-5)^(1/3) = 20 * 0.0368403 = 0.736806
        assertThat(Schedules.temperature(20, 0.001, 33, 100)).isCloseTo(0.736806, within(1e-6));
    }

    @Test
    void gammaRampsLinearlyThenHolds() {
        assertThat(Schedules.gamma(0.005, 0, 10)).isEqualTo(0.0);
        assertThat(Schedules.gamma(0.005, 5, 10)).isCloseTo(0.0025, within(1e-15));
        assertThat(Schedules.gamma(0.005, 10, 10)).isCloseTo(0.005, within(1e-15));
        assertThat(Schedules.gamma(0.005, 20, 10)).isCloseTo(0.005, within(1e-15));
    }

    @Test
    void lrFactorWarmsUpThenFollowsTheCosineDownToTheFloor() {
        // epoch 0: min(1/25, 0.5 * (cos 0 + 1)) = 0.04
        assertThat(Schedules.lrFactor(0, 25, 500, 1e-5)).isCloseTo(0.04, within(1e-9));
        // epoch 24: warm-up gives 25/25 = 1; cosine 0.5 * (cos(24/500 pi) + 1) = 0.5 * (0.9886517 + 1) = 0.9943259
        assertThat(Schedules.lrFactor(24, 25, 500, 1e-5)).isCloseTo(0.9943259, within(1e-6));
        // epoch 250: 0.5 * (cos(pi/2) + 1) = 0.5
        assertThat(Schedules.lrFactor(250, 25, 500, 1e-5)).isCloseTo(0.5, within(1e-12));
        // epoch 499: 0.5 * (1 - cos(pi/500)) = 9.87e-6 < min_lr, so the floor 1e-5 applies
        assertThat(Schedules.lrFactor(499, 25, 500, 1e-5)).isEqualTo(1e-5);
    }

    @Test
    void learningRateScalesWithBatchSize() {
        assertThat(Schedules.baseLearningRate(0.01, 128)).isCloseTo(0.005, within(1e-15));
    }

    @Test
    void trainingPlanCountsStepsLikeTheReference() {
        TrainingPlan plan = new TrainingPlan(70_000, 128, 2);
        assertThat(plan.stepsPerEpoch()).isEqualTo(547); // ceil(70000 / 128)
        assertThat(plan.totalSteps()).isEqualTo(1094);
        assertThat(plan.gammaRampEnd()).isEqualTo(547);
        assertThat(plan.temperatureIterations()).isCloseTo(1093.75, within(1e-12)); // 70000 / 128 * 2
    }
}
