package io.vitsom.model.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AdamWTest {

    /** Two AdamW steps on p = [1, -2] with gradients [0.5, 0.1], lr 0.1, wd 0.05, by hand (PyTorch's formula). */
    @Test
    void twoStepsMatchTheFormulaComputedByHand() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Parameter p = Parameter.builder().setName("w").setType(Parameter.Type.WEIGHT).optShape(new Shape(2))
                    .optInitializer((m, s, t) -> m.create(new float[] {1f, -2f})).build();
            p.initialize(manager, DataType.FLOAT32);
            AdamW adam = new AdamW(Map.of("w", 0.05), Map.of("w", p), 0.9, 0.999, false, manager);
            for (int step = 0; step < 2; step++) {
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    // d/dp sum(p * c) = c = [0.5, 0.1]
                    gc.backward(p.getArray().mul(manager.create(new float[] {0.5f, 0.1f})).sum());
                }
                adam.step(0.1);
                assertThat(p.getArray().getGradient().toFloatArray()).containsExactly(0f, 0f);
            }
            // step 1: p = p * (1 - 0.1*0.05) = [0.995, -1.99]; m = 0.1 g; v = 0.001 g^2; bc1 = 0.1, bc2 = 0.001
            //   update = 0.1 * (m / 0.1) / (sqrt(v)/sqrt(0.001) + 1e-8) = 0.1 * g / (|g| + 1e-8) ~ 0.1 -> [0.895, -2.09]
            // step 2: p *= 0.995 -> [0.890525, -2.07955]; m = 0.19 g; v = 0.001999 g^2; bc1 = 0.19, bc2 = 0.001999
            //   update again ~0.1 -> [0.790525, -2.17955]
            assertThat(p.getArray().toFloatArray()).containsExactly(new float[] {0.790525f, -2.17955f}, within(1e-5f));
            assertThat(adam.stepCount()).isEqualTo(2);
            adam.close();
        }
    }

    /**
     * Adam's op-by-op update (the path {@code type: adam} and URL-SOM take) on a thread where grad mode is on, as
     * on a learner's thread: libtorch refused the in-place update of a leaf parameter there.
     */
    @Test
    void theOpByOpUpdateRunsOnAThreadWithGradModeOn() throws Exception {
        java.util.concurrent.atomic.AtomicReference<Throwable> failure = new java.util.concurrent.atomic.AtomicReference<>();
        float[][] after = new float[1][];
        Thread t = new Thread(() -> {
            try (NDManager manager = NDManager.newBaseManager()) {
                ai.djl.pytorch.jni.JniUtils.setGradMode(true);
                Parameter p = Parameter.builder().setName("w").setType(Parameter.Type.WEIGHT).optShape(new Shape(2))
                        .optInitializer((m, s, d) -> m.create(new float[] {1f, -2f})).build();
                p.initialize(manager, DataType.FLOAT32);
                AdamW adam = new AdamW(Map.of("w", 0.0), Map.of("w", p), 0.9, 0.999, true, manager);
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    gc.backward(p.getArray().mul(manager.create(new float[] {0.5f, 0.1f})).sum());
                }
                ai.djl.pytorch.jni.JniUtils.setGradMode(true);
                adam.step(0.1);
                after[0] = p.getArray().toFloatArray();
                adam.close();
            } catch (Throwable e) {
                failure.set(e);
            }
        });
        t.start();
        t.join();
        assertThat(failure.get()).isNull();
        // One Adam step moves each weight by about lr against its gradient's sign.
        assertThat(after[0]).containsExactly(new float[] {0.9f, -2.1f}, within(1e-5f));
    }
}
