package io.vitsom.model.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class PositionEmbeddingTest {

    @Test
    void clsRowIsZero() {
        float[] table = PositionEmbedding.sinCos2d(16, 14);
        assertThat(table).hasSize((1 + 196) * 16);
        for (int k = 0; k < 16; k++) {
            assertThat(table[k]).isZero();
        }
    }

    @Test
    void firstHalfEncodesTheColumnAndSecondHalfTheRow() {
        float[] table = PositionEmbedding.sinCos2d(16, 14);
        // token 2 = patch (row 0, col 1); omega_k = 10000^(-k/4) = 1, 0.1, 0.01, 0.001
        int base = 2 * 16;
        float[] expectedColumn = {0.841471f, 0.0998334f, 0.00999983f, 0.001f, 0.540302f, 0.995004f, 0.99995f, 0.9999995f};
        for (int k = 0; k < 8; k++) {
            assertThat(table[base + k]).isCloseTo(expectedColumn[k], within(1e-6f));
        }
        // row 0: sin(0) = 0, cos(0) = 1
        for (int k = 0; k < 4; k++) {
            assertThat(table[base + 8 + k]).isZero();
            assertThat(table[base + 12 + k]).isEqualTo(1f);
        }
        // token 1 + 14 = patch (row 1, col 0): the row half now holds sin(1) = 0.841471
        assertThat(table[15 * 16 + 8]).isCloseTo(0.841471f, within(1e-6f));
        assertThat(table[15 * 16]).isZero();
    }

    @Test
    void decoderWidthFourUsesASingleFrequency() {
        float[] table = PositionEmbedding.sinCos2d(4, 2);
        // patch (row 1, col 1) = token 4: [sin 1, cos 1, sin 1, cos 1]
        assertThat(table[4 * 4]).isCloseTo(0.841471f, within(1e-6f));
        assertThat(table[4 * 4 + 1]).isCloseTo(0.540302f, within(1e-6f));
        assertThat(table[4 * 4 + 2]).isCloseTo(0.841471f, within(1e-6f));
        assertThat(table[4 * 4 + 3]).isCloseTo(0.540302f, within(1e-6f));
    }
}
