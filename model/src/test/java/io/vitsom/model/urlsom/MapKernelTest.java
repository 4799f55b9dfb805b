package io.vitsom.model.urlsom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assertions.withinPercentage;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MapKernelTest {
    private static NDManager manager;

    @BeforeAll
    static void open() {
        manager = NDManager.newBaseManager();
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    @Test
    void paperGaussianHasSide31AndTheGaussianShape() {
        MapKernel kernel = MapKernel.gaussian(5);
        // 6 sigma = 30, the smallest odd side at least 30 is 31.
        assertThat(kernel.size()).isEqualTo(31);
        assertThat(sum(kernel.values())).isCloseTo(1.0, within(1e-5));
        float centre = kernel.at(0, 0);
        for (int dy = -15; dy <= 15; dy++) {
            for (int dx = -15; dx <= 15; dx++) {
                float v = kernel.at(dx, dy);
                assertThat(v).isEqualTo(kernel.at(-dx, dy)).isEqualTo(kernel.at(dx, -dy)).isEqualTo(kernel.at(dy, dx));
                if (dx != 0 || dy != 0) {
                    assertThat(v).isLessThan(centre);
                }
            }
        }
        // exp(0) / exp(-1 / (2 * 25)) = exp(1/50); two steps: exp(4/50).
        assertThat((double) centre / kernel.at(1, 0)).isCloseTo(Math.exp(1.0 / 50), within(1e-6));
        assertThat((double) centre / kernel.at(0, 2)).isCloseTo(Math.exp(4.0 / 50), within(1e-6));
        assertThat((double) centre / kernel.at(15, 15)).isCloseTo(Math.exp(450.0 / 50), withinPercentage(1e-3));
        assertThat(kernel.at(16, 0)).isZero();
    }

    @Test
    void gaussianSideIsTheSmallestOddAtLeastSixSigma() {
        assertThat(MapKernel.gaussian(1).size()).isEqualTo(7); // 6 -> 7
        assertThat(MapKernel.gaussian(1.5).size()).isEqualTo(9); // 9
        assertThat(MapKernel.gaussian(0.5).size()).isEqualTo(3); // 3
        assertThat(MapKernel.gaussian(0.1).size()).isEqualTo(1); // 0.6 -> 1
        assertThat(MapKernel.gaussian(0.1).values()).containsExactly(1f);
    }

    @Test
    void studentTValuesByHand() {
        // scale 2, 3x3: raw 1 / (1 + d^2 / 2): centre 1, edges 2/3, corners 1/2; total 1 + 8/3 + 2 = 17/3.
        // Normalised: centre 3/17, edges 2/17, corners 3/34.
        MapKernel kernel = MapKernel.studentT(2, 3);
        assertThat(kernel.size()).isEqualTo(3);
        assertThat(kernel.at(0, 0)).isCloseTo(3f / 17, within(1e-7f));
        assertThat(kernel.at(1, 0)).isCloseTo(2f / 17, within(1e-7f));
        assertThat(kernel.at(0, -1)).isCloseTo(2f / 17, within(1e-7f));
        assertThat(kernel.at(-1, 1)).isCloseTo(3f / 34, within(1e-7f));
        assertThat(sum(kernel.values())).isCloseTo(1.0, within(1e-6));
    }

    @Test
    void deltaMapReproducesTheKernelCutAtTheBorders() {
        MapKernel kernel = MapKernel.studentT(2, 5);
        int s = 7;
        // Delta in the middle: the whole kernel around (3, 3).
        float[] middle = apply(kernel, delta(s, 3, 3), s);
        // Delta in the top-left corner: only the kernel's lower-right quarter fits.
        float[] corner = apply(kernel, delta(s, 0, 0), s);
        for (int y = 0; y < s; y++) {
            for (int x = 0; x < s; x++) {
                assertThat(middle[y * s + x]).isCloseTo(kernel.at(x - 3, y - 3), within(1e-7f));
                assertThat(corner[y * s + x]).isCloseTo(kernel.at(x, y), within(1e-7f));
            }
        }
    }

    @Test
    void kernelLargerThanTheMapStillKeepsTheMapSize() {
        MapKernel kernel = MapKernel.gaussian(5); // 31 x 31 on a 5 x 5 map, padding 15
        float[] out = apply(kernel, delta(5, 2, 2), 5);
        assertThat(out).hasSize(25);
        for (int y = 0; y < 5; y++) {
            for (int x = 0; x < 5; x++) {
                assertThat(out[y * 5 + x]).isCloseTo(kernel.at(x - 2, y - 2), within(1e-8f));
            }
        }
    }

    @Test
    void rectangularMapsKeepTheirShape() {
        MapKernel kernel = MapKernel.studentT(2, 3);
        try (NDManager scope = manager.newSubManager()) {
            float[] map = new float[4 * 6];
            map[1 * 6 + 4] = 1f; // delta at row 1, column 4
            float[] out = kernel.apply(scope.create(map, new Shape(1, 1, 4, 6))).toFloatArray();
            for (int y = 0; y < 4; y++) {
                for (int x = 0; x < 6; x++) {
                    assertThat(out[y * 6 + x]).isCloseTo(kernel.at(x - 4, y - 1), within(1e-7f));
                }
            }
        }
    }

    @Test
    void constantMapStaysConstantAwayFromTheBorders() {
        MapKernel kernel = MapKernel.studentT(1, 3);
        int s = 9;
        float[] flat = new float[s * s];
        Arrays.fill(flat, 2.5f);
        float[] out = apply(kernel, flat, s);
        for (int y = 0; y < s; y++) {
            for (int x = 0; x < s; x++) {
                boolean interior = y >= 1 && y < s - 1 && x >= 1 && x < s - 1;
                if (interior) {
                    assertThat(out[y * s + x]).isCloseTo(2.5f, within(1e-5f));
                } else {
                    assertThat(out[y * s + x]).isLessThan(2.5f - 1e-3f); // zero padding pulls the border down
                }
            }
        }
    }

    @Test
    void appliesToEveryMapOfTheBatchAndKeepsTheType() {
        MapKernel kernel = MapKernel.studentT(1, 3);
        try (NDManager scope = manager.newSubManager()) {
            NDArray maps = scope.randomUniform(0, 1, new Shape(3, 1, 4, 4), DataType.FLOAT64);
            NDArray out = kernel.apply(maps);
            assertThat(out.getShape()).isEqualTo(new Shape(3, 1, 4, 4));
            assertThat(out.getDataType()).isEqualTo(DataType.FLOAT64);
            for (int i = 0; i < 3; i++) {
                NDArray single = kernel.apply(maps.get(i + ":" + (i + 1)));
                assertThat(out.get(i + ":" + (i + 1)).toDoubleArray())
                        .containsExactly(single.toDoubleArray(), within(1e-12));
            }
            assertThat(kernel.apply(maps.toType(DataType.FLOAT32, false)).getDataType()).isEqualTo(DataType.FLOAT32);
        }
    }

    /**
     * For L = sum(apply(x) * g), dL/dx is the adjoint convolution of g, which for a symmetric kernel with zero
     * padding is apply(g) again. The gradient reaches the input, and the kernel's values are untouched.
     */
    @ParameterizedTest(name = "{0}x{0} map")
    @ValueSource(ints = {6, 4}) // 36 units > 5 x 5: convolved; 16 units: the matrix product
    void gradientFlowsToTheInputAndTheKernelStaysConstant(int side) {
        MapKernel kernel = MapKernel.studentT(1.5, 5);
        assertThat(kernel.on(side, side).dense()).isEqualTo(side == 4);
        float[] before = kernel.values().clone();
        try (NDManager scope = manager.newSubManager()) {
            NDArray x = scope.randomUniform(0, 1, new Shape(2, 1, side, side), DataType.FLOAT64);
            NDArray g = scope.randomUniform(-1, 1, new Shape(2, 1, side, side), DataType.FLOAT64);
            x.setRequiresGradient(true);
            double[] forward;
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray y = kernel.apply(x);
                forward = y.toDoubleArray();
                collector.backward(y.mul(g).sum());
            }
            assertThat(x.getGradient().toDoubleArray()).containsExactly(kernel.apply(g).toDoubleArray(), within(1e-12));
            // Applying again after the backward pass gives the same maps: nothing in the kernel was updated.
            assertThat(kernel.apply(x.stopGradient()).toDoubleArray()).containsExactly(forward, within(1e-15));
        }
        assertThat(kernel.values()).containsExactly(before);
    }

    /**
     * In float32 the kernel is a view of a Java array's native buffer, and autograd keeps it for the backward pass:
     * if apply() freed it after the forward pass (as it once did), the backward pass read whatever the allocator put
     * there next and a learner's loss became NaN after a few steps. Memory is churned between forward and backward.
     * On this 9x9 map the kernel (9 x 9) is applied as its 81 x 81 matrix, which must survive the same way.
     */
    @Test
    void float32GradientSurvivesAllocationsBetweenForwardAndBackward() {
        MapKernel kernel = MapKernel.gaussian(1.5);
        assertThat(kernel.on(9, 9).dense()).isTrue();
        try (NDManager scope = manager.newSubManager()) {
            NDArray x = scope.randomUniform(0, 1, new Shape(2, 1, 9, 9), DataType.FLOAT32);
            NDArray g = scope.randomUniform(-1, 1, new Shape(2, 1, 9, 9), DataType.FLOAT32);
            x.setRequiresGradient(true);
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray loss = kernel.apply(x).mul(g).sum();
                for (int i = 0; i < 200; i++) {
                    float[] junk = new float[81 * 81];
                    Arrays.fill(junk, 1e30f);
                    scope.create(junk).close();
                }
                System.gc();
                collector.backward(loss);
            }
            assertThat(x.getGradient().toFloatArray()).containsExactly(kernel.apply(g).toFloatArray(), within(1e-5f));
        }
    }

    /**
     * The matrix of a 1 x 3 map under the 3 x 3 Student-t kernel of {@link #studentTValuesByHand}: every unit keeps
     * the centre weight 3/17 of itself and takes the edge weight 2/17 from each neighbour; the two ends are out of
     * each other's reach.
     */
    @Test
    void matrixHoldsEachInputUnitsWeightInEachOutputUnit() {
        float c = 3f / 17;
        float e = 2f / 17;
        assertThat(MapKernel.studentT(2, 3).matrix(1, 3)).containsExactly(new float[] {c, e, 0, e, c, e, 0, e, c},
                within(1e-7f));
        // 2 x 2 map: the diagonal neighbour weighs a corner, 3/34.
        float[] m = MapKernel.studentT(2, 3).matrix(2, 2);
        assertThat(m[0 * 4 + 3]).isCloseTo(3f / 34, within(1e-7f));
        assertThat(m[1 * 4 + 2]).isCloseTo(3f / 34, within(1e-7f));
        assertThat(m[0 * 4 + 1]).isCloseTo(e, within(1e-7f));
    }

    @Test
    void theMatrixIsUsedWhileItIsNoMoreWorkThanTheConvolutionAndSmall() {
        assertThat(MapKernel.gaussian(5).on(30, 30).dense()).isTrue(); // 900 <= 31 * 31
        assertThat(MapKernel.gaussian(5).on(31, 31).dense()).isTrue(); // 961 <= 961
        assertThat(MapKernel.gaussian(5).on(31, 32).dense()).isFalse(); // 992 > 961
        assertThat(MapKernel.gaussian(3.5).on(20, 20).dense()).isTrue(); // USPS: 400 <= 21 * 21
        assertThat(MapKernel.studentT(18, 59).on(30, 30).dense()).isTrue();
        assertThat(MapKernel.studentT(1, 99).on(64, 64).dense()).isTrue(); // 4096 units, 64 MiB
        assertThat(MapKernel.studentT(1, 99).on(65, 65).dense()).isFalse(); // 4225 > 4096
    }

    /**
     * Both forms of the operator compute the same sums in another order. On the shipped maps (the paper's Gaussian
     * on 30x30, the Student-t kernel reaching the whole 30x30 map, USPS's 20x20 map) and a rectangular one, the
     * float32 matrix product equals the exact convolution (the same sums in float64) to 1e-6 of the output's scale,
     * and is no further from it than libtorch's float32 convolution.
     */
    @Test
    void matrixProductEqualsTheConvolution() {
        record Case(MapKernel kernel, int rows, int cols) {
        }
        for (Case c : new Case[] {new Case(MapKernel.gaussian(5), 30, 30), new Case(MapKernel.studentT(18, 59), 30, 30),
            new Case(MapKernel.gaussian(3.5), 20, 20), new Case(MapKernel.studentT(1, 9), 5, 8)}) {
            try (NDManager scope = manager.newSubManager()) {
                Engine.getInstance().setRandomSeed(5);
                NDArray maps = scope.randomNormal(0, 3, new Shape(16, (long) c.rows() * c.cols()), DataType.FLOAT32);
                MapKernel.Operator dense = new MapKernel.Operator(c.kernel(), c.rows(), c.cols(), true);
                MapKernel.Operator conv = new MapKernel.Operator(c.kernel(), c.rows(), c.cols(), false);
                float[] product = dense.apply(maps).toFloatArray();
                float[] convolved = conv.apply(maps).toFloatArray();
                double[] exact = conv.apply(maps.toType(DataType.FLOAT64, false)).toDoubleArray();
                double scale = 0;
                double productError = 0;
                double convError = 0;
                for (int i = 0; i < exact.length; i++) {
                    scale = Math.max(scale, Math.abs(exact[i]));
                    productError = Math.max(productError, Math.abs(product[i] - exact[i]));
                    convError = Math.max(convError, Math.abs(convolved[i] - exact[i]));
                }
                String what = c.kernel() + " on " + c.rows() + "x" + c.cols();
                assertThat(scale).as(what).isGreaterThan(0.1);
                assertThat(productError / scale).as(what).isLessThan(1e-6);
                assertThat(productError).as(what).isLessThanOrEqualTo(convError * 1.01);
            }
        }
    }

    @Test
    void rejectsBadArguments() {
        assertThatThrownBy(() -> MapKernel.gaussian(0)).hasMessage("sigma must be finite and > 0, got 0.0");
        assertThatThrownBy(() -> MapKernel.studentT(0, 3)).hasMessage("scale must be finite and > 0, got 0.0");
        assertThatThrownBy(() -> MapKernel.studentT(1, 4)).hasMessage("size must be odd and positive, got 4");
        assertThatThrownBy(() -> new MapKernel(3, new float[8])).hasMessage("values has 8 weights, expected 3x3");
        try (NDManager scope = manager.newSubManager()) {
            NDArray wrong = scope.zeros(new Shape(2, 3, 4, 4));
            assertThatThrownBy(() -> MapKernel.gaussian(1).apply(wrong))
                    .hasMessage("maps must be [N, 1, H, W], got (2, 3, 4, 4)");
            NDArray flat = scope.zeros(new Shape(2, 15));
            assertThatThrownBy(() -> MapKernel.gaussian(1).on(4, 4).apply(flat))
                    .hasMessage("maps must be [N, 16] (4x4 maps), got (2, 15)");
        }
        assertThatThrownBy(() -> MapKernel.gaussian(1).on(0, 4)).hasMessage("map must be at least 1x1, got 0x4");
    }

    private static float[] apply(MapKernel kernel, float[] map, int s) {
        try (NDManager scope = manager.newSubManager()) {
            return kernel.apply(scope.create(map, new Shape(1, 1, s, s))).toFloatArray();
        }
    }

    private static float[] delta(int s, int y, int x) {
        float[] map = new float[s * s];
        map[y * s + x] = 1f;
        return map;
    }

    private static double sum(float[] values) {
        double total = 0;
        for (float v : values) {
            total += v;
        }
        return total;
    }
}
