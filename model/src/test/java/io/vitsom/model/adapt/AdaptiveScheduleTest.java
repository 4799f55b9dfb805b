package io.vitsom.model.adapt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.vitsom.model.config.VitSomConfig;
import io.vitsom.model.train.StreamingSchedule;
import io.vitsom.model.train.VitSomTrainerTest;
import org.junit.jupiter.api.Test;

class AdaptiveScheduleTest {
    // batch 16, Tmax 4, Tmin 0.1, lr 0.01 (peak 0.01 * 16 / 256 = 6.25e-4), min_lr 1e-5, warm-up 1 pseudo-epoch
    private final VitSomConfig config = VitSomTrainerTest.tiny(0);
    private final StreamingSchedule base = new StreamingSchedule(config, 160, 2);
    private final double peak = 0.01 * 16 / 256;

    @Test
    void referenceFloorsGiveTheStreamingScheduleExactly() {
        AdaptiveSchedule s = new AdaptiveSchedule(base, AdaptationConfig.Maintenance.reference(),
                new PlasticityController(AdaptationConfig.Plasticity.defaults()));
        for (long step = 0; step < 40; step++) {
            assertThat(s.temperature(step)).isEqualTo(base.temperature(step));
            assertThat(s.learningRate(step)).isEqualTo(base.learningRate(step));
            assertThat(s.gamma(step)).isEqualTo(base.gamma(step));
        }
    }

    @Test
    void afterTheHorizonTheMapSettlesAtTheFloorsNotAtTheEndPoints() {
        AdaptiveSchedule s = new AdaptiveSchedule(base, new AdaptationConfig.Maintenance(0.5, 0.05),
                new PlasticityController(AdaptationConfig.Plasticity.defaults()));
        // The horizon is 10 steps; the reference holds at Tmin 0.1 and peak * 1e-5.
        assertThat(base.temperature(1_000)).isCloseTo(0.1, within(1e-12));
        assertThat(s.temperature(1_000)).isEqualTo(0.5);
        assertThat(s.learningRate(1_000)).isCloseTo(0.05 * peak, within(1e-15));
        // Early on the schedule's own values are above the floors and win.
        assertThat(s.temperature(0)).isEqualTo(4.0);
    }

    @Test
    void aBoostMultipliesButNeverExceedsAFreshMap() {
        PlasticityController c = new PlasticityController(new AdaptationConfig.Plasticity(true, 4, 10, 100));
        AdaptiveSchedule s = new AdaptiveSchedule(base, new AdaptationConfig.Maintenance(0.5, 0.05), c);
        c.boost();
        assertThat(s.temperature(1_000)).isCloseTo(2.0, within(1e-12));
        assertThat(s.learningRate(1_000)).isCloseTo(0.5 * peak, within(1e-15));
        // At step 0 T is already Tmax = 4 and lr near its peak: the boost is capped there.
        assertThat(s.temperature(0)).isEqualTo(4.0);
        assertThat(s.learningRate(0)).isLessThanOrEqualTo(peak);
        c.advanceTo(100);
        assertThat(s.temperature(1_000)).isEqualTo(0.5);
    }
}
