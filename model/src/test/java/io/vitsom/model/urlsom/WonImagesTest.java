package io.vitsom.model.urlsom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class WonImagesTest {
    @Test
    void aPictureIsTheMeanOfTheFirstWinsThenFollowsTheLastWindow() {
        WonImages won = new WonImages(3, 2, 4);
        assertThat(won.isEmpty()).isTrue();
        // Unit 1 wins [0, 4] and [2, 0]: the plain mean [1, 2]; unit 0 and 2 never win.
        won.record(new float[] {0, 4, 2, 0}, new long[] {1, 1}, 2);
        float[][] p = won.pictures();
        assertThat(p[0]).isNull();
        assertThat(p[2]).isNull();
        assertThat(p[1]).containsExactly(1f, 2f);
        // Two more wins of [4, 4]: 3rd win rate 1/3 -> [2, 2.6667]; 4th rate 1/4 -> [2.5, 3].
        won.record(new float[] {4, 4, 4, 4}, new long[] {1, 1}, 2);
        assertThat(won.pictures()[1]).containsExactly(new float[] {2.5f, 3f}, within(1e-5f));
        // From the 5th win on, the rate stays at 1/window = 1/4: [2.5, 3] + (8 - [2.5, 3]) / 4 = [3.875, 4.25].
        won.record(new float[] {8, 8}, new long[] {1}, 1);
        assertThat(won.pictures()[1]).containsExactly(new float[] {3.875f, 4.25f}, within(1e-5f));
        assertThat(won.isEmpty()).isFalse();
    }

    @Test
    void picturesAreCopies() {
        WonImages won = new WonImages(1, 1, 2);
        won.record(new float[] {1}, new long[] {0}, 1);
        won.pictures()[0][0] = 99;
        assertThat(won.pictures()[0]).containsExactly(1f);
    }
}
