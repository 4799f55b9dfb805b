package io.vitsom.model.adapt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class UnitUpkeepTest {

    @Test
    void countsHitsAndFindsDeadUnits() {
        UnitUpkeep u = new UnitUpkeep(5, 5, 2, 1);
        u.record(new long[] {0, 2, 2, 4}, new float[] {1, 1, 1, 1}, new float[4], 4);
        assertThat(u.hits()).containsExactly(1, 0, 2, 0, 1);
        assertThat(u.deadUnits()).containsExactly(1, 3);
        assertThat(u.recorded()).isEqualTo(4);
        assertThat(u.windowComplete()).isFalse();
        u.record(new long[] {3, 1}, new float[] {1, 1}, new float[2], 1); // only the first of the arrays
        assertThat(u.hits()).containsExactly(1, 0, 2, 1, 1);
        assertThat(u.deadUnits()).containsExactly(1);
        assertThat(u.windowComplete()).isTrue();
        long[] copy = u.hits();
        copy[0] = 99;
        assertThat(u.hits()[0]).isEqualTo(1);
    }

    @Test
    void keepsTheHighestErrorImagesLargestFirst() {
        UnitUpkeep u = new UnitUpkeep(3, 100, 2, 2);
        float[] images = {10, 11, 20, 21, 30, 31, 40, 41};
        u.record(new long[] {0, 1, 2, 0}, new float[] {1, 5, 3, 4}, images, 4);
        assertThat(u.highErrorDistances()).containsExactly(5f, 4f);
        List<float[]> top = u.highErrorImages();
        assertThat(top).hasSize(2);
        assertThat(top.get(0)).containsExactly(20, 21);
        assertThat(top.get(1)).containsExactly(40, 41);

        images[2] = -1; // the kept pixels are copies
        assertThat(u.highErrorImages().get(0)).containsExactly(20, 21);
        top.get(0)[0] = -2; // and so are the returned ones
        assertThat(u.highErrorImages().get(0)).containsExactly(20, 21);

        u.record(new long[] {1, 1}, new float[] {4.5f, 0.5f}, new float[] {50, 51, 60, 61}, 2);
        assertThat(u.highErrorDistances()).containsExactly(5f, 4.5f);
        assertThat(u.highErrorImages().get(1)).containsExactly(50, 51);
    }

    @Test
    void equalDistancesKeepTheEarliestAndNonFiniteOnesNeverCount() {
        UnitUpkeep u = new UnitUpkeep(1, 10, 2, 1);
        u.record(new long[] {0, 0, 0, 0, 0}, new float[] {2, Float.NaN, 2, 2, Float.POSITIVE_INFINITY},
                new float[] {1, 2, 3, 4, 5}, 5);
        assertThat(u.highErrorDistances()).containsExactly(2f, 2f);
        assertThat(u.highErrorImages()).extracting(img -> img[0]).containsExactly(1f, 3f);
        assertThat(u.hits()).containsExactly(5);
    }

    @Test
    void matchesSortingOnRandomBatches() {
        Random r = new Random(4);
        int floats = 3;
        UnitUpkeep u = new UnitUpkeep(50, 1000, 25, floats);
        List<float[]> all = new ArrayList<>(); // {distance, pixels...}
        for (int batch = 0; batch < 40; batch++) {
            int count = r.nextInt(64);
            long[] bmus = new long[count];
            float[] distances = new float[count];
            float[] images = new float[count * floats];
            for (int i = 0; i < count; i++) {
                bmus[i] = r.nextInt(50);
                distances[i] = r.nextFloat();
                for (int k = 0; k < floats; k++) {
                    images[i * floats + k] = r.nextFloat();
                }
                all.add(new float[] {distances[i], images[i * floats], images[i * floats + 1], images[i * floats + 2]});
            }
            u.record(bmus, distances, images, count);
        }
        all.sort(Comparator.comparingDouble((float[] e) -> e[0]).reversed());
        List<float[]> top = u.highErrorImages();
        float[] topDistances = u.highErrorDistances();
        assertThat(top).hasSize(25);
        for (int i = 0; i < 25; i++) {
            assertThat(topDistances[i]).isEqualTo(all.get(i)[0]);
            assertThat(top.get(i)).containsExactly(all.get(i)[1], all.get(i)[2], all.get(i)[3]);
        }
    }

    @Test
    void nextWindowStartsOver() {
        UnitUpkeep u = new UnitUpkeep(2, 2, 1, 1);
        u.record(new long[] {0, 0}, new float[] {7, 8}, new float[] {1, 2}, 2);
        assertThat(u.windowComplete()).isTrue();
        u.nextWindow();
        assertThat(u.windowComplete()).isFalse();
        assertThat(u.recorded()).isZero();
        assertThat(u.hits()).containsExactly(0, 0);
        assertThat(u.deadUnits()).containsExactly(0, 1);
        assertThat(u.highErrorImages()).isEmpty();
        u.record(new long[] {1}, new float[] {0.5f}, new float[] {9}, 1);
        assertThat(u.highErrorImages()).singleElement().satisfies(img -> assertThat(img).containsExactly(9));
        assertThat(u.deadUnits()).containsExactly(0);
    }

    @Test
    void zeroCandidatesKeepsNoImages() {
        UnitUpkeep u = new UnitUpkeep(2, 1, 0, 1);
        u.record(new long[] {1}, new float[] {3}, new float[] {1}, 1);
        assertThat(u.highErrorImages()).isEmpty();
        assertThat(u.deadUnits()).containsExactly(0);
    }

    @Test
    void rejectsBadInputWithoutChangingTheWindow() {
        UnitUpkeep u = new UnitUpkeep(3, 10, 2, 2);
        assertThatThrownBy(() -> u.record(new long[] {0, 3}, new float[2], new float[4], 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bmus[1] = 3");
        assertThatThrownBy(() -> u.record(new long[] {-1}, new float[1], new float[2], 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-1");
        assertThatThrownBy(() -> u.record(new long[2], new float[2], new float[3], 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("images[3]");
        assertThatThrownBy(() -> u.record(new long[1], new float[2], new float[4], 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bmus[1]");
        assertThat(u.recorded()).isZero();
        assertThat(u.hits()).containsExactly(0, 0, 0);
        assertThat(u.highErrorImages()).isEmpty();

        assertThatThrownBy(() -> new UnitUpkeep(0, 1, 1, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("units");
        assertThatThrownBy(() -> new UnitUpkeep(1, 0, 1, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("windowImages");
        assertThatThrownBy(() -> new UnitUpkeep(1, 1, -1, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("candidates");
        assertThatThrownBy(() -> new UnitUpkeep(1, 1, 1, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("imageFloats");
    }
}
