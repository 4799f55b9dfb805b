package io.vitsom.model.urlsom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import io.vitsom.model.infer.Assignments;
import io.vitsom.model.map.MapModel;
import io.vitsom.model.map.MapModels;
import org.junit.jupiter.api.Test;

class UrlSomModelTest {

    @Test
    void mapModelsBuildsAUrlSomModel() {
        try (NDManager manager = NDManager.newBaseManager()) {
            MapModel model = MapModels.create(MapModels.parse(UrlSomTestConfigs.TINY, "tiny"), manager);
            assertThat(model).isInstanceOf(UrlSomModel.class);
            assertThat(model.grid().units()).isEqualTo(16);
            assertThat(model.trainableParameterCount()).isEqualTo(((UrlSomModel) model).net().trainableParameterCount());
            assertThat(model.streamingSchedule(80)).isEqualTo(new UrlSomSchedule((UrlSomConfig) model.config(), 1, 10));
        }
    }

    @Test
    void probabilitiesAreDistributionsAndAssignTakesTheirArgmax() {
        try (NDManager manager = NDManager.newBaseManager()) {
            UrlSomModel model = tiny(manager, 3);
            UrlSomConfig config = model.config();
            int count = 300; // more than one inference chunk
            float[] images = UrlSomTestConfigs.randomImages(config, count, 4);
            float[] p = model.probabilities(images, count);
            Assignments a = model.assign(images, count);
            int units = config.units();
            assertThat(p).hasSize(count * units);
            for (int i = 0; i < count; i++) {
                double sum = 0;
                int best = 0;
                for (int k = 0; k < units; k++) {
                    float v = p[i * units + k];
                    assertThat(v).isBetween(0f, 1f);
                    sum += v;
                    if (v > p[i * units + best]) {
                        best = k;
                    }
                }
                assertThat(sum).as("row %d", i).isBetween(0.9999, 1.0001);
                assertThat(a.bmu()[i]).as("bmu %d", i).isEqualTo(best);
                assertThat(a.distance()[i]).isCloseTo(1f - p[i * units + best], org.assertj.core.data.Offset.offset(1e-6f));
                int second = a.secondBmu()[i];
                assertThat(second).isNotEqualTo(best);
                for (int k = 0; k < units; k++) {
                    if (k != best) {
                        assertThat(p[i * units + second]).isGreaterThanOrEqualTo(p[i * units + k]);
                    }
                }
            }
            assertThat(model.features(images, count)).hasSize(count * 16);
        }
    }

    @Test
    void prototypesAreTheProjectionRows() {
        try (NDManager manager = NDManager.newBaseManager()) {
            UrlSomModel model = tiny(manager, 5);
            assertThat(model.prototypeDim()).isEqualTo(16);
            assertThat(model.prototypes()).hasSize(16 * 16)
                    .containsExactly(model.namedParameters().get("projection.weight").getArray().toFloatArray());
        }
    }

    @Test
    void unitPicturesAreTheMeanOfTheImagesEachUnitWins() {
        try (NDManager manager = NDManager.newBaseManager()) {
            UrlSomModel model = tiny(manager, 6);
            UrlSomConfig config = model.config();
            int count = 40;
            int per = config.imageFloats();
            float[] images = UrlSomTestConfigs.randomImages(config, count, 7);
            int[] bmu = model.assign(images, count).bmu();
            float[][] pictures = model.unitPictures(images, count);
            assertThat(pictures).hasNumberOfRows(config.units());
            for (int k = 0; k < config.units(); k++) {
                int wins = 0;
                double first = 0;
                for (int i = 0; i < count; i++) {
                    if (bmu[i] == k) {
                        wins++;
                        first += images[i * per];
                    }
                }
                if (wins == 0) {
                    assertThat(pictures[k]).as("unit %d", k).isNull();
                } else {
                    assertThat(pictures[k]).hasSize(per);
                    assertThat((double) pictures[k][0]).isCloseTo(first / wins, org.assertj.core.data.Offset.offset(1e-6));
                }
            }
            assertThat(model.unitPictures(null, 0)).isNull();
            assertThat(model.unitPictures(new float[0], 0)).isNull();
        }
    }

    @Test
    void wrongImageSizesAreRejected() {
        try (NDManager manager = NDManager.newBaseManager()) {
            UrlSomModel model = tiny(manager, 8);
            assertThatThrownBy(() -> model.assign(new float[10], 1)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("3x8x8");
            assertThat(model.assign(new float[0], 0).size()).isZero();
        }
    }

    static UrlSomModel tiny(NDManager manager, int seed) {
        Engine.getInstance().setRandomSeed(seed);
        return (UrlSomModel) new UrlSomFamily().create(UrlSomTestConfigs.tiny(), manager);
    }
}
