package io.vitsom.model.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.vitsom.model.config.ConfigLoader;
import io.vitsom.model.config.VitSomConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The C inference kernels against the explicit formulas and libtorch, and the whole model with them against the
 * model with libtorch's kernels. Maven builds the library and the test JVM gets its path, as the launcher's does.
 */
class NativeKernelsTest {

    @BeforeAll
    static void engine() {
        Engine.getInstance(); // libtorch (and its OpenMP runtime) loaded before the kernel looks for it
    }

    private static void assumeAvx512() throws IOException {
        assumeTrue(Files.readString(Path.of("/proc/cpuinfo")).contains(" avx512f"),
                "the kernels run on AVX-512 CPUs only; elsewhere libtorch's are used");
    }

    @Test
    void libraryIsBuiltAndSplitsBatchesOverLibtorchsThreads() throws IOException {
        String path = System.getProperty(NativeKernels.LIBRARY_PROPERTY, "");
        assertThat(Path.of(path))
                .as("Maven builds the kernel with the system C compiler (apt-get install gcc)")
                .isRegularFile();
        assumeAvx512();
        assertThat(NativeKernels.attentionAvailable(8)).isTrue();
        assertThat(NativeKernels.layerNormAvailable(16)).isTrue();
        assertThat(NativeKernels.parallel()).as("libtorch's libgomp found").isTrue();
    }

    @Test
    void matchesTheExplicitFormulaForEveryHeadWidthAndTokenCount() throws IOException {
        assumeAvx512();
        // {batch, tokens, heads, head width, input scale}: token counts below, at and past a multiple of 16;
        // an odd batch for the split over threads; scale 30 makes the softmax nearly one-hot (exp underflows).
        int[][] cases = {{3, 197, 2, 8, 1}, {2, 65, 3, 16, 1}, {5, 17, 1, 4, 1}, {1, 5, 2, 8, 1}, {2, 16, 2, 8, 30}};
        try (NDManager manager = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(5);
            for (int[] c : cases) {
                NDArray qkv = manager.randomNormal(new Shape(c[0], c[1], 3L * c[2] * c[3])).mul(c[4]);
                NDArray expected = explicit(qkv, c[2]);
                NDArray actual = NativeKernels.attention(qkv, c[2]).orElseThrow();
                assertThat(actual.getShape()).isEqualTo(expected.getShape());
                assertThat(maxAbsDifference(actual, expected)).as("case %s", java.util.Arrays.toString(c))
                        .isLessThan(2e-6f * c[4]);
            }
        }
    }

    @Test
    void readsAStridedViewAsItsLogicalLayout() throws IOException {
        assumeAvx512();
        try (NDManager manager = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(6);
            NDArray view = manager.randomNormal(new Shape(20, 3, 48)).transpose(1, 0, 2);
            assertThat(maxAbsDifference(NativeKernels.attention(view, 2).orElseThrow(), explicit(view, 2)))
                    .isLessThan(2e-6f);
        }
    }

    @Test
    void layerNormMatchesLibtorchsForEveryWidthItRuns() throws IOException {
        assumeAvx512();
        try (NDManager manager = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(8);
            for (int width : new int[] {16, 32, 64}) {
                // An offset and scale per row, as the residual stream has; one constant row (variance 0).
                NDArray x = manager.randomNormal(new Shape(3, 197, width)).mul(4).add(manager.randomNormal(new Shape(3, 197, 1)));
                x.set(new ai.djl.ndarray.index.NDIndex("0, 0, :"), 2.5f);
                NDArray gamma = manager.randomNormal(new Shape(width));
                NDArray beta = manager.randomNormal(new Shape(width));
                NDArray expected = x.getNDArrayInternal().layerNorm(x, new Shape(width), gamma, beta, 1e-6f).get(0);
                NDArray actual = NativeKernels.layerNorm(x, gamma, beta, 1e-6f).orElseThrow();
                assertThat(actual.getShape()).isEqualTo(x.getShape());
                assertThat(maxAbsDifference(actual, expected)).as("width %d", width).isLessThan(2e-5f);
            }
        }
    }

    @Test
    void leavesWidthsItDoesNotRunToLibtorch() {
        try (NDManager manager = NDManager.newBaseManager()) {
            assertThat(NativeKernels.attention(manager.zeros(new Shape(1, 65, 3 * 192)), 3)).isEmpty(); // width 64
            assertThat(NativeKernels.attention(manager.zeros(new Shape(1, 10, 36)), 1)).isEmpty(); // width 12
            assertThat(NativeKernels.attention(manager.zeros(new Shape(10, 48)), 2)).isEmpty(); // not [B, N, 3D]
            NDArray ones8 = manager.ones(new Shape(8));
            assertThat(NativeKernels.layerNorm(manager.zeros(new Shape(4, 8)), ones8, ones8, 1e-6f)).isEmpty();
            NDArray ones96 = manager.ones(new Shape(96));
            assertThat(NativeKernels.layerNorm(manager.zeros(new Shape(4, 96)), ones96, ones96, 1e-6f)).isEmpty();
        }
    }

    @Test
    void mnistModelGivesTheSameDistancesAndBmusAsWithLibtorchsKernel() throws IOException {
        assumeAvx512();
        // Without stochastic depth, a training-mode forward computes the inference function, through libtorch.
        String yaml = Files.readString(Path.of("../configs/vit_som_mnist.yaml"));
        assertThat(yaml).contains("drop_path: 0.1");
        VitSomConfig config = ConfigLoader.parse(yaml.replace("drop_path: 0.1", "drop_path: 0.0"), "vit_som_mnist");
        int batch = 64;
        float[] images = new float[batch * 28 * 28];
        Random random = new Random(7);
        for (int i = 0; i < images.length; i++) {
            images[i] = random.nextFloat();
        }
        try (NDManager manager = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(7);
            VitSom model = VitSom.builder().setConfig(config).build();
            model.initialize(manager);
            ParameterStore ps = new ParameterStore(manager, false);
            NDArray x = manager.create(images, new Shape(batch, 1, 28, 28));
            // Training keeps libtorch's kernels (the C kernels have no backward).
            float[] withLibtorch = distances(model, ps, x, true);
            float[] withNative = distances(model, ps, x, false);
            int units = config.som().units();
            int sameBmu = 0;
            for (int i = 0; i < batch; i++) {
                sameBmu += argMin(withLibtorch, i, units) == argMin(withNative, i, units) ? 1 : 0;
            }
            float worst = 0;
            for (int i = 0; i < withNative.length; i++) {
                worst = Math.max(worst, Math.abs(withNative[i] - withLibtorch[i]));
            }
            assertThat(worst).isLessThan(1e-5f);
            assertThat(sameBmu).isEqualTo(batch);
        }
    }

    private static float[] distances(VitSom model, ParameterStore ps, NDArray x, boolean training) {
        PairList<String, Object> params = new PairList<>();
        params.add(VitSom.SKIP_DECODER, Boolean.TRUE);
        if (training) {
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                return VitSom.Outputs.of(model, model.forward(ps, new NDList(x), true, params)).distances()
                        .orElseThrow().toFloatArray();
            }
        }
        try (Autograd off = Autograd.off()) {
            return VitSom.Outputs.of(model, model.forward(ps, new NDList(x), false, params)).distances()
                    .orElseThrow().toFloatArray();
        }
    }

    /** Largest element-wise difference; a number, so a failure reads well and costs nothing. */
    private static float maxAbsDifference(NDArray a, NDArray b) {
        return a.sub(b).abs().max().getFloat();
    }

    private static int argMin(float[] rows, int row, int units) {
        int best = 0;
        for (int j = 1; j < units; j++) {
            if (rows[row * units + j] < rows[row * units + best]) {
                best = j;
            }
        }
        return best;
    }

    /** The reference's formula on the packed projection {@code [B, N, 3 * heads * d]}. */
    private static NDArray explicit(NDArray qkv, int heads) {
        long b = qkv.getShape().get(0);
        long n = qkv.getShape().get(1);
        long width = qkv.getShape().get(2) / 3;
        long d = width / heads;
        NDArray packed = qkv.reshape(b, n, 3, heads, d).transpose(2, 0, 3, 1, 4);
        NDArray q = packed.get(0);
        NDArray k = packed.get(1);
        NDArray v = packed.get(2);
        NDArray attended = q.matMul(k.transpose(0, 1, 3, 2)).mul(qkv.getManager().create((float) Math.pow(d, -0.5)))
                .softmax(-1).matMul(v);
        return attended.transpose(0, 2, 1, 3).reshape(b, n, width);
    }
}
