package io.vitsom.model.baselines;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import org.junit.jupiter.api.Test;

class DesomBlocksTest {
    @Test
    void everyBlockProducesTheDocumentedShapes() {
        DesomConfig config = DesomConfig.defaults();
        try (NDManager manager = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(1);
            Desom model = Desom.builder().setConfig(config).build();
            model.initialize(manager);
            ParameterStore ps = new ParameterStore(manager, false);
            NDArray x = manager.randomUniform(0f, 1f, new Shape(3, 784));

            NDArray code = model.autoencoder().encoder().forward(ps, new NDList(x), false).singletonOrThrow();
            assertThat(code.getShape()).isEqualTo(new Shape(3, 10));
            NDArray decoded = model.autoencoder().decoder().forward(ps, new NDList(code), false).singletonOrThrow();
            assertThat(decoded.getShape()).isEqualTo(new Shape(3, 784));
            NDList ae = model.autoencoder().forward(ps, new NDList(x), false);
            assertThat(ae.getShapes()).containsExactly(new Shape(3, 10), new Shape(3, 784));
            NDArray distances = model.som().forward(ps, new NDList(code), false).singletonOrThrow();
            assertThat(distances.getShape()).isEqualTo(new Shape(3, 64));

            Desom.Outputs out = Desom.Outputs.of(model.forward(ps, new NDList(x), false));
            assertThat(out.code().getShape()).isEqualTo(new Shape(3, 10));
            assertThat(out.reconstruction().getShape()).isEqualTo(new Shape(3, 784));
            assertThat(out.distances().getShape()).isEqualTo(new Shape(3, 64));
            assertThat(model.getOutputShapes(new Shape[] {new Shape(3, 784)}))
                    .containsExactly(new Shape(3, 10), new Shape(3, 784), new Shape(3, 64));
            assertThat(model.autoencoder().getOutputShapes(new Shape[] {new Shape(3, 784)}))
                    .containsExactly(new Shape(3, 10), new Shape(3, 784));

            // Images [B, 1, 28, 28] are flattened.
            Desom.Outputs images = Desom.Outputs.of(model.forward(ps,
                    new NDList(x.reshape(3, 1, 28, 28)), false));
            assertThat(images.distances().toFloatArray()).containsExactly(out.distances().toFloatArray());
        }
    }

    @Test
    void referenceArchitectureHasTheHandCountedParameters() {
        // Encoder 784-500-500-2000-10:
        //   784*500+500 = 392,500; 500*500+500 = 250,500; 500*2000+2000 = 1,002,000; 2000*10+10 = 20,010
        //   -> 1,665,010
        // Decoder 10-2000-500-500-784:
        //   10*2000+2000 = 22,000; 2000*500+500 = 1,000,500; 500*500+500 = 250,500; 500*784+784 = 392,784
        //   -> 1,665,784
        // Autoencoder 3,330,794; prototypes 8*8*10 = 640 -> 3,331,434; a 40x40 map: 1600*10 = 16,000 -> 3,346,794.
        try (NDManager manager = NDManager.newBaseManager()) {
            Desom model = Desom.builder().setConfig(DesomConfig.defaults()).build();
            model.initialize(manager);
            assertThat(model.parameterCount()).isEqualTo(3_331_434L);
            assertThat(model.autoencoderParameters().values().stream().mapToLong(p -> p.getArray().size()).sum())
                    .isEqualTo(3_330_794L);
            assertThat(model.namedParameters().keySet()).containsExactly(
                    "encoder_0.weight", "encoder_0.bias", "encoder_1.weight", "encoder_1.bias",
                    "encoder_2.weight", "encoder_2.bias", "encoder_3.weight", "encoder_3.bias",
                    "decoder_3.weight", "decoder_3.bias", "decoder_2.weight", "decoder_2.bias",
                    "decoder_1.weight", "decoder_1.bias", "decoder_0.weight", "decoder_0.bias", "SOM.prototypes");
            assertThat(model.namedParameters().get("encoder_0.weight").getArray().getShape()).isEqualTo(new Shape(500, 784));
            assertThat(model.namedParameters().get("decoder_3.weight").getArray().getShape()).isEqualTo(new Shape(2000, 10));
        }
        try (NDManager manager = NDManager.newBaseManager()) {
            Desom big = Desom.builder().setConfig(DesomConfig.defaults().withMapSize(40, 40)).build();
            big.initialize(manager);
            assertThat(big.parameterCount()).isEqualTo(3_346_794L);
        }
    }

    @Test
    void initialisationIsGlorotUniformWithZeroBiases() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(2);
            Desom model = Desom.builder().setConfig(DesomConfig.defaults()).build();
            model.initialize(manager);
            // encoder_0: bound sqrt(6 / (784 + 500)) = 0.068359...
            float[] w = model.namedParameters().get("encoder_0.weight").getArray().toFloatArray();
            float bound = (float) Math.sqrt(6.0 / (784 + 500));
            double max = 0;
            for (float v : w) {
                max = Math.max(max, Math.abs(v));
            }
            assertThat(max).isLessThanOrEqualTo(bound).isGreaterThan(0.95 * bound);
            assertThat(model.namedParameters().get("decoder_0.bias").getArray().toFloatArray()).containsOnly(0f);
            // prototypes [64, 10]: bound sqrt(6 / 74)
            float[] m = model.som().prototypes().getArray().toFloatArray();
            float protoBound = (float) Math.sqrt(6.0 / 74);
            for (float v : m) {
                assertThat(Math.abs(v)).isLessThanOrEqualTo(protoBound);
            }
        }
    }

    @Test
    void neighbourhoodIsTheReferenceGaussianOfTheManhattanMapDistance() {
        EuclideanSomLayer layer = new EuclideanSomLayer(3, 3, 2);
        // Centre unit 4 at T = 2: map distances 2 1 2 / 1 0 1 / 2 1 2; w = exp(-d^2 / T^2):
        // d=2 -> exp(-1) = 0.3678794, d=1 -> exp(-0.25) = 0.7788008, d=0 -> 1.
        float a = 0.3678794f;
        float b = 0.7788008f;
        assertThat(layer.neighbourhoodWeights(new long[] {4}, 2.0))
                .containsExactly(new float[] {a, b, a, b, 1f, b, a, b, a}, within(1e-6f));
        // Corner to corner: |2-0| + |2-0| = 4.
        assertThat(layer.mapDistance(0, 8)).isEqualTo(4);
        // Row-wrap pair (units 2 and 3 of a 3-wide map): true distance 1 + 2 = 3.
        assertThat(layer.mapDistance(2, 3)).isEqualTo(3);
    }
}
