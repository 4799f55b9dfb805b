package io.vitsom.model.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import org.junit.jupiter.api.Test;

class TorchScriptKernelsTest {

    @Test
    void fusedAttentionMatchesTheExplicitFormulaInValueAndGradient() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(3);
            PtSymbolBlock sdpa = TorchScriptKernels.scaledDotProductAttention(manager);
            NDArray q = manager.randomNormal(new Shape(2, 3, 5, 4));
            NDArray k = manager.randomNormal(new Shape(2, 3, 5, 4));
            NDArray v = manager.randomNormal(new Shape(2, 3, 5, 4));
            float[][] grads = new float[2][];
            float[][] values = new float[2][];
            for (int mode = 0; mode < 2; mode++) {
                q.setRequiresGradient(true);
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray out = mode == 0
                            ? sdpa.forward(new ParameterStore(manager, false), new NDList(q, k, v), true).singletonOrThrow()
                            : q.matMul(k.transpose(0, 1, 3, 2)).mul(manager.create(0.5f)).softmax(-1).matMul(v);
                    values[mode] = out.toFloatArray();
                    gc.backward(out.mul(out).sum());
                }
                grads[mode] = q.getGradient().toFloatArray();
                q.getGradient().subi(q.getGradient());
            }
            assertThat(values[0]).containsExactly(values[1], within(1e-5f));
            assertThat(grads[0]).containsExactly(grads[1], within(1e-4f));
        }
    }
}
