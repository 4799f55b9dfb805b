package io.vitsom.model.urlsom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A tiny URL-SOM in float64: x [N, 6] times W [6, 9] gives a 3x3 map, smoothed by the fixed kernel, softmax,
 * loss of two views. Autograd's dLoss/dW must match central finite differences.
 */
class UrlSomLossGradientTest {
    private static final int BATCH = 5;
    private static final int INPUTS = 6;
    private static final int SIDE = 3;
    private static final int UNITS = SIDE * SIDE;
    private static final double STEP = 1e-6;

    @Test
    void autogradMatchesCentralFiniteDifferences() {
        SplittableRandom rng = new SplittableRandom(21);
        double[] weights = gaussian(rng, INPUTS * UNITS, 0.8);
        double[] first = gaussian(rng, BATCH * INPUTS, 1.0);
        double[] second = gaussian(rng, BATCH * INPUTS, 1.0);
        // Every weight through a 3x3 Student-t kernel; every fourth through a 7x7 Gaussian, wider than the map.
        MapKernel[] kernels = {MapKernel.studentT(1.0, 3), MapKernel.gaussian(1.0)};
        int[] strides = {1, 4};
        for (int kernelIndex = 0; kernelIndex < kernels.length; kernelIndex++) {
            MapKernel kernel = kernels[kernelIndex];
            try (NDManager manager = NDManager.newBaseManager()) {
                NDArray x1 = manager.create(first, new Shape(BATCH, INPUTS));
                NDArray x2 = manager.create(second, new Shape(BATCH, INPUTS));
                NDArray w = manager.create(weights, new Shape(INPUTS, UNITS));
                w.setRequiresGradient(true);
                try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                    collector.backward(loss(kernel, w, x1, x2));
                }
                double[] autograd = w.getGradient().toDoubleArray();
                double largest = 0;
                for (int k = 0; k < weights.length; k += strides[kernelIndex]) {
                    double numeric = (lossAt(kernel, weights, k, STEP, x1, x2)
                            - lossAt(kernel, weights, k, -STEP, x1, x2)) / (2 * STEP);
                    assertThat(autograd[k]).as("dLoss/dW[%d] with %s", k, kernel).isCloseTo(numeric, within(1e-7));
                    largest = Math.max(largest, Math.abs(numeric));
                }
                assertThat(largest).as("the check is not vacuous").isGreaterThan(1e-3);
            }
        }
    }

    /** total loss of the two views through W, the kernel and the softmax; gamma 2 as in the paper's listing. */
    private static NDArray loss(MapKernel kernel, NDArray w, NDArray x1, NDArray x2) {
        return UrlSomLoss.compute(probabilities(kernel, w, x1), probabilities(kernel, w, x2), 2.0).total();
    }

    private static NDArray probabilities(MapKernel kernel, NDArray w, NDArray x) {
        NDArray maps = x.matMul(w).reshape(BATCH, 1, SIDE, SIDE);
        return kernel.apply(maps).reshape(BATCH, UNITS).softmax(1);
    }

    private static double lossAt(MapKernel kernel, double[] weights, int k, double delta, NDArray x1, NDArray x2) {
        double[] moved = weights.clone();
        moved[k] += delta;
        try (NDManager scope = x1.getManager().newSubManager()) {
            NDArray w = scope.create(moved, new Shape(INPUTS, UNITS));
            return loss(kernel, w, x1, x2).getDouble();
        }
    }

    private static double[] gaussian(SplittableRandom rng, int count, double scale) {
        double[] out = new double[count];
        for (int i = 0; i < count; i++) {
            out[i] = scale * rng.nextGaussian();
        }
        return out;
    }
}
