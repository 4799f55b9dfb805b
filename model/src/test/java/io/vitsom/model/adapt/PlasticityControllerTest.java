package io.vitsom.model.adapt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class PlasticityControllerTest {
    private final AdaptationConfig.Plasticity settings = new AdaptationConfig.Plasticity(true, 4, 9, 100);

    @Test
    void factorsStartAtTheirPeakAndReturnToOneGeometrically() {
        PlasticityController c = new PlasticityController(settings);
        assertThat(c.temperatureFactor()).isEqualTo(1.0);
        c.advanceTo(1_000);
        c.boost();
        assertThat(c.level()).isEqualTo(1.0);
        assertThat(c.temperatureFactor()).isCloseTo(4.0, within(1e-12));
        assertThat(c.learningRateFactor()).isCloseTo(9.0, within(1e-12));
        c.advanceTo(1_050);
        // Half-way: 4^0.5 = 2, 9^0.5 = 3.
        assertThat(c.temperatureFactor()).isCloseTo(2.0, within(1e-12));
        assertThat(c.learningRateFactor()).isCloseTo(3.0, within(1e-12));
        assertThat(c.imagesLeft()).isEqualTo(50);
        c.advanceTo(1_100);
        assertThat(c.temperatureFactor()).isEqualTo(1.0);
        assertThat(c.boosting()).isFalse();
        assertThat(c.boosts()).isEqualTo(1);
    }

    @Test
    void offNeverBoostsAndTheClockNeverGoesBack() {
        PlasticityController off = new PlasticityController(settings.withEnabled(false));
        off.boost();
        assertThat(off.level()).isZero();
        PlasticityController c = new PlasticityController(settings);
        c.advanceTo(500);
        c.boost();
        c.advanceTo(10);
        assertThat(c.level()).isEqualTo(1.0);
    }

    @Test
    void stateRoundTripsThroughJson() {
        PlasticityController c = new PlasticityController(settings);
        c.advanceTo(200);
        c.boost();
        c.advanceTo(230);
        PlasticityController restored = new PlasticityController(settings);
        restored.restore(c.toJson());
        assertThat(restored.temperatureFactor()).isEqualTo(c.temperatureFactor());
        assertThat(restored.boosts()).isEqualTo(1);
        assertThat(restored.imagesLeft()).isEqualTo(70);
    }
}
