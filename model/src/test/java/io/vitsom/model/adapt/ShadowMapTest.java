package io.vitsom.model.adapt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import io.vitsom.model.map.MapModel;
import io.vitsom.model.map.MapModelConfig;
import io.vitsom.model.map.MapModels;
import io.vitsom.model.map.MapTrainer;
import io.vitsom.model.som.SomGrid;
import io.vitsom.model.som.Topology;
import io.vitsom.model.train.VitSomTrainerTest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ShadowMapTest {
    private static final SomGrid GRID = new SomGrid(2, 2, Topology.SQUARE);
    private static final MapModelConfig MODEL = VitSomTrainerTest.tiny(0);

    /** The candidates a shadow map built, so a test can set their quality. */
    private final List<ShadowMap.Contender> built = new ArrayList<>();

    private ShadowMap.Contender contender(MapModel m) {
        PlasticityController p = new PlasticityController(AdaptationConfig.Plasticity.defaults());
        MapTrainer trainer = m.newTrainer(
                new AdaptiveSchedule(m.streamingSchedule(320), AdaptationConfig.Maintenance.defaults(), p));
        ShadowMap.Contender c = new ShadowMap.Contender(trainer, p, new ShadowMap.Quality());
        built.add(c);
        return c;
    }

    private ShadowMap shadow(NDManager manager, long minImages) {
        return new ShadowMap(MODEL, manager, new AdaptationConfig.Shadow(false, false, false, minImages, 0.05), 3,
                this::contender);
    }

    /** {@code n} images at BMU distance {@code distance}, their second BMU a neighbour. */
    private static void observe(ShadowMap.Quality quality, double distance, int n) {
        float[] distances = new float[n];
        Arrays.fill(distances, (float) distance);
        long[] second = new long[n];
        Arrays.fill(second, 1);
        quality.add(new long[n], second, distances, n, GRID);
    }

    @Test
    void aCandidateIsPromotableOnceBothWindowsAreHalfFullAndItBeatsTheLiveMapByTheMargin() {
        ShadowMap.Quality live = new ShadowMap.Quality();
        observe(live, 1.0, 1_000);
        try (NDManager manager = NDManager.newBaseManager(); ShadowMap shadow = shadow(manager, 0)) {
            assertThat(shadow.promotable(live)).as("no candidate").isFalse();
            shadow.start();
            ShadowMap.Quality candidate = built.get(0).quality();
            observe(candidate, 0.5, 999);
            assertThat(shadow.promotable(live)).as("candidate's window under half full").isFalse();
            observe(candidate, 0.5, 1);
            assertThat(shadow.promotable(live)).isTrue();
            ShadowMap.Quality close = new ShadowMap.Quality();
            observe(close, 0.52, 1_000);
            assertThat(shadow.promotable(close)).as("better, but by less than the margin").isFalse();
            assertThat(shadow.quantizationError()).isEqualTo(0.5);
        }
    }

    @Test
    void promotionServesTheCandidateAndKeepsTheFormerLiveMapTrainingInItsPlace() {
        try (NDManager manager = NDManager.newBaseManager(); ShadowMap shadow = shadow(manager, 20)) {
            ShadowMap.Contender live = contender(MapModels.create(MODEL, manager));
            assertThatThrownBy(() -> shadow.promote(live, 0)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("shadow");
            shadow.start();
            ShadowMap.Contender candidate = built.get(1);
            observe(live.quality(), 1.0, 1_000);
            observe(candidate.quality(), 0.5, 1_000);
            assertThat(shadow.promotable(live.quality())).as("fewer than the minimum images").isFalse();
            assertThat(shadow.promote(live, 24)).isSameAs(candidate);
            assertThat(shadow.trainer()).containsSame(live.trainer());
            assertThat(shadow.images()).isEqualTo(24);
            assertThat(shadow.quantizationError()).isEqualTo(1.0);
            candidate.trainer().close();
        }
    }
}
