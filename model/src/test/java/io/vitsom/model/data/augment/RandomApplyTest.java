package io.vitsom.model.data.augment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RandomApplyTest {
    private final FloatImage image = TestImages.ramp(1, 3, 3);
    private final ImageOp invert = (img, rng) -> {
        float[] out = img.data().clone();
        for (int i = 0; i < out.length; i++) {
            out[i] = 1 - out[i];
        }
        return new FloatImage(img.channels(), img.height(), img.width(), out);
    };

    @Test
    void probabilityOneAlwaysApplies() {
        FloatImage out = new RandomApply(invert, 1.0).apply(image, new SplittableRandom(0));
        assertThat(out.data()).containsExactly(invert.apply(image, null).data());
    }

    @Test
    void probabilityZeroNeverAppliesAndCopies() {
        FloatImage out = new RandomApply(invert, 0.0).apply(image, new SplittableRandom(0));
        assertThat(out.data()).containsExactly(image.data()).isNotSameAs(image.data());
    }

    @Test
    void rejectsBadArguments() {
        assertThatThrownBy(() -> new RandomApply(null, 0.5)).hasMessage("op");
        assertThatThrownBy(() -> new RandomApply(invert, 2)).hasMessage("probability must be in [0, 1], got 2.0");
    }
}
