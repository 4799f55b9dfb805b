package io.vitsom.model.urlsom;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class UrlSomScheduleTest {
    private final UrlSomConfig cifar = UrlSomTestConfigs.load("url_som_cifar-10.yaml");

    @Test
    void offlineWarmUpStepsThroughTheLearningRatesByEpoch() {
        UrlSomSchedule s = UrlSomSchedule.epochs(cifar, 100);
        assertThat(s.horizonSteps()).isEqualTo(50_000);
        assertThat(s.learningRate(0)).isEqualTo(0.0001);
        assertThat(s.learningRate(499)).isEqualTo(0.0001);
        assertThat(s.learningRate(500)).isEqualTo(0.0005);
        assertThat(s.learningRate(999)).isEqualTo(0.0005);
        assertThat(s.learningRate(1000)).isEqualTo(0.001);
        assertThat(s.learningRate(1_000_000)).isEqualTo(0.001);
        assertThat(s.temperature(123)).isZero();
        assertThat(s.gamma(123)).isEqualTo(2.0);
    }

    @Test
    void streamingTakesOnePseudoEpochPerStep() {
        UrlSomSchedule s = UrlSomSchedule.streaming(cifar, 256L * 1000 + 17);
        assertThat(s.stepsPerEpoch()).isEqualTo(1);
        assertThat(s.horizonSteps()).isEqualTo(1000);
        assertThat(s.learningRate(4)).isEqualTo(0.0001);
        assertThat(s.learningRate(5)).isEqualTo(0.0005);
        assertThat(s.learningRate(9)).isEqualTo(0.0005);
        assertThat(s.learningRate(10)).isEqualTo(0.001);
        assertThat(s.maxTemperature()).isZero();
        assertThat(s.peakLearningRate()).isEqualTo(0.001);
        assertThat(UrlSomSchedule.streaming(cifar, 3).horizonSteps()).isEqualTo(1);
    }

    @Test
    void aShortenedRunKeepsTheWarmUpsShareOfTheRun() {
        // 250 of the config's 500 epochs, 100 steps each: a warm-up epoch is 100 * 250 / 500 = 50 steps.
        UrlSomSchedule half = UrlSomSchedule.shortened(cifar.withTotalEpochs(250), 100, 500);
        assertThat(half.stepsPerEpoch()).isEqualTo(50);
        assertThat(half.horizonSteps()).isEqualTo(25_000);
        assertThat(half.learningRate(249)).isEqualTo(0.0001);
        assertThat(half.learningRate(250)).isEqualTo(0.0005);
        assertThat(half.learningRate(500)).isEqualTo(0.001);
        // 2 epochs of 16 steps: 16 * 2 / 500 rounds to 0, so one step per warm-up epoch, as the streaming schedule.
        UrlSomSchedule two = UrlSomSchedule.shortened(cifar.withTotalEpochs(2), 16, 500);
        assertThat(two.stepsPerEpoch()).isEqualTo(1);
        assertThat(two.horizonSteps()).isEqualTo(32);
        assertThat(two.learningRate(4)).isEqualTo(0.0001);
        assertThat(two.learningRate(10)).isEqualTo(0.001);
        // The full length is the offline schedule itself.
        assertThat(UrlSomSchedule.shortened(cifar, 100, 500)).isEqualTo(UrlSomSchedule.epochs(cifar, 100));
    }
}
