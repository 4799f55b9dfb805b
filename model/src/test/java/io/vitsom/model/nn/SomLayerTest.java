package io.vitsom.model.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.vitsom.model.config.Distance;
import io.vitsom.model.som.SomGrid;
import io.vitsom.model.som.Topology;
import java.nio.FloatBuffer;
import org.junit.jupiter.api.Test;

class SomLayerTest {
    // Prototypes of a 2x2 map: (1, 0), (0, 1), (1, 1), (-1, 0); input (1, 0).
    private static float[] distances(Distance distance) {
        try (NDManager manager = NDManager.newBaseManager()) {
            SomLayer layer = new SomLayer(new SomGrid(2, 2, Topology.SQUARE), 2, distance);
            layer.initialize(manager, DataType.FLOAT32, new Shape(1, 2));
            layer.prototypes().getArray().set(FloatBuffer.wrap(new float[] {1, 0, 0, 1, 1, 1, -1, 0}));
            NDList out = layer.forward(new ParameterStore(manager, false),
                    new NDList(manager.create(new float[] {1, 0}, new Shape(1, 2))), false);
            return out.singletonOrThrow().toFloatArray();
        }
    }

    @Test
    void cosineDistanceIsOneMinusTheCosine() {
        // 1 - cos: 1 - 1, 1 - 0, 1 - 1/sqrt(2) = 0.2928932, 1 - (-1)
        assertThat(distances(Distance.COSINE)).containsExactly(new float[] {0f, 1f, 0.2928932f, 2f}, within(1e-6f));
    }

    @Test
    void euclideanAndManhattanDistances() {
        assertThat(distances(Distance.EUCLIDEAN)).containsExactly(new float[] {0f, 1.4142135f, 1f, 2f}, within(1e-3f));
        assertThat(distances(Distance.MANHATTAN)).containsExactly(new float[] {0f, 2f, 1f, 2f}, within(1e-6f));
    }

    @Test
    void neighbourhoodWeightsAroundTheWinner() {
        SomLayer layer = new SomLayer(new SomGrid(2, 2, Topology.SQUARE), 2, Distance.COSINE);
        // winner 0 at T = 1: exp(0), exp(-1/2) = 0.606531, exp(-1/2), exp(-2/2) = 0.367879
        float[] w = layer.neighbourhoodWeights(new long[] {0, 3}, 1.0);
        assertThat(w).containsExactly(new float[] {1f, 0.606531f, 0.606531f, 0.367879f,
                0.367879f, 0.606531f, 0.606531f, 1f}, within(1e-6f));
    }

    @Test
    void cosinePrototypesStartOnTheUnitSphere() {
        try (NDManager manager = NDManager.newBaseManager()) {
            SomLayer layer = new SomLayer(new SomGrid(3, 3, Topology.SQUARE), 5, Distance.COSINE);
            layer.initialize(manager, DataType.FLOAT32, new Shape(1, 5));
            float[] w = layer.prototypes().getArray().toFloatArray();
            for (int u = 0; u < 9; u++) {
                double norm = 0;
                for (int k = 0; k < 5; k++) {
                    assertThat(w[u * 5 + k]).isBetween(0f, 1f);
                    norm += w[u * 5 + k] * w[u * 5 + k];
                }
                assertThat(Math.sqrt(norm)).isCloseTo(1.0, within(1e-5));
            }
        }
    }
}
