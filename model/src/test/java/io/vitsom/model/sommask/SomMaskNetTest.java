package io.vitsom.model.sommask;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import io.vitsom.model.sommask.NetworkPlan.LayerPlan;
import io.vitsom.model.sommask.SomMaskConfig.Activation;
import io.vitsom.model.sommask.SomMaskConfig.MaskPosition;
import io.vitsom.model.sommask.SomMaskConfig.Network;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SomMaskNetTest {
    private static final float M = (float) Math.exp(-0.5);

    /**
     * One hidden layer of 2 neurons (a 1x2 map, sigma 1) on a 2-value input; the output layer is the identity, so the
     * logits are the hidden layer's output. Input (1, 0.5) is nearest prototype 0 = (1, 0): mask (1, exp(-1/2)).
     * W = [[1, -1], [2, 1]]: z = (0.5, 2.5).
     */
    private static float[] forward(Activation activation, MaskPosition position, int keep, float[] active) {
        NetworkPlan plan = new NetworkPlan(Network.FC, 2, 1, 2, activation, position, 0, 0, List.of(),
                List.of(new LayerPlan(2, new NetworkPlan.Som(1.0, 1.0, keep, 0.1))), 1);
        try (NDManager manager = NDManager.newBaseManager(); SomMaskNet net = new SomMaskNet(plan, 0)) {
            net.initialize(manager);
            set(net, "fc1", "weight", 1, -1, 2, 1);
            set(net, "fc1", "bias", 0, 0);
            set(net, "out", "weight", 1, 0, 0, 1);
            set(net, "out", "bias", 0, 0);
            net.soms().get(0).setPrototypes(new float[][] {{1, 0}, {0, 1}});
            var x = manager.create(new float[] {1f, 0.5f}, new Shape(1, 2, 1, 1));
            var out = SomMaskNet.Outputs.of(net.forward(new ParameterStore(manager, false), new NDList(x), false));
            active[0] = out.active().get(0).getFloat(0);
            return out.logits().toFloatArray();
        }
    }

    private static void set(SomMaskNet net, String layer, String kind, float... values) {
        for (Map.Entry<String, Parameter> e : net.namedParameters().entrySet()) {
            if (e.getKey().contains(layer) && e.getKey().endsWith(kind)) {
                e.getValue().getArray().set(values);
                return;
            }
        }
        throw new AssertionError("no parameter " + layer + " " + kind + " in " + net.namedParameters().keySet());
    }

    @Test
    void maskBeforeAndAfterReluAreTheSameFunction() {
        float[] active = new float[1];
        float[] expected = {0.5f, 2.5f * M};
        assertArrayEquals(expected, forward(Activation.RELU, MaskPosition.BEFORE_ACTIVATION, 0, active), 1e-6f);
        assertEquals(2f, active[0]);
        assertArrayEquals(expected, forward(Activation.RELU, MaskPosition.AFTER_ACTIVATION, 0, active), 1e-6f);
    }

    @Test
    void maskBeforeAndAfterTanhDiffer() {
        float[] active = new float[1];
        float[] before = forward(Activation.TANH, MaskPosition.BEFORE_ACTIVATION, 0, active);
        float[] after = forward(Activation.TANH, MaskPosition.AFTER_ACTIVATION, 0, active);
        assertArrayEquals(new float[] {(float) Math.tanh(0.5), (float) Math.tanh(2.5 * M)}, before, 1e-6f);
        assertArrayEquals(new float[] {(float) Math.tanh(0.5), (float) (M * Math.tanh(2.5))}, after, 1e-6f);
        assertNotEquals(before[1], after[1], 1e-3f);
    }

    @Test
    void topOneKeepsOnlyTheWinner() {
        float[] active = new float[1];
        assertArrayEquals(new float[] {0.5f, 0f}, forward(Activation.RELU, MaskPosition.BEFORE_ACTIVATION, 1, active),
                1e-6f);
        assertEquals(1f, active[0]);
    }

    @Test
    void topKKeepsExactlyKNeuronsOfEveryImage() {
        NetworkPlan plan = new NetworkPlan(Network.FC, 1, 4, 3, Activation.RELU, MaskPosition.BEFORE_ACTIVATION, 0, 0,
                List.of(), List.of(new LayerPlan(30, new NetworkPlan.Som(1.0, Double.POSITIVE_INFINITY, 5, 0.1)),
                        new LayerPlan(8, new NetworkPlan.Plain())), 2);
        try (NDManager manager = NDManager.newBaseManager(); SomMaskNet net = new SomMaskNet(plan, 3)) {
            net.initialize(manager);
            float[] images = new float[20 * 16];
            Random random = new Random(1);
            for (int i = 0; i < images.length; i++) {
                images[i] = random.nextFloat();
            }
            var x = manager.create(images, new Shape(20, 1, 4, 4));
            var ps = new ParameterStore(manager, false);
            net.forward(ps, new NDList(x), true); // initialises and trains the SOM
            var out = SomMaskNet.Outputs.of(net.forward(ps, new NDList(x), false));
            float[] five = new float[20];
            java.util.Arrays.fill(five, 5f);
            assertArrayEquals(five, out.active().get(0).toFloatArray());
            float[] eight = new float[20];
            java.util.Arrays.fill(eight, 8f);
            assertArrayEquals(eight, out.active().get(1).toFloatArray(), "a plain layer counts all its neurons");
            assertEquals(new Shape(20, 3), out.logits().getShape());
        }
    }

    @Test
    void convolutionalNetworksRunWithTheirMasks() {
        for (Network network : List.of(Network.CNN, Network.CONV_SOM)) {
            NetworkPlan plan = new NetworkPlan(network, 1, 8, 10, Activation.RELU, MaskPosition.BEFORE_ACTIVATION, 3,
                    network == Network.CONV_SOM ? 3 : 0,
                    List.of(new LayerPlan(4, new NetworkPlan.Som(1.0, 1.0, 2, 0.1)),
                            new LayerPlan(6, new NetworkPlan.Som(1.0, 1.0, 0, 0.1))),
                    List.of(new LayerPlan(5, new NetworkPlan.Plain())), 2);
            try (NDManager manager = NDManager.newBaseManager(); SomMaskNet net = new SomMaskNet(plan, 0)) {
                net.initialize(manager);
                var x = manager.randomUniform(0f, 1f, new Shape(3, 1, 8, 8));
                var ps = new ParameterStore(manager, false);
                net.forward(ps, new NDList(x), true);
                var out = SomMaskNet.Outputs.of(net.forward(ps, new NDList(x), false));
                assertEquals(new Shape(3, 10), out.logits().getShape());
                assertArrayEquals(new float[] {2, 2, 2}, out.active().get(0).toFloatArray(), 1e-6f, network + "");
                assertArrayEquals(new float[] {6, 6, 6}, out.active().get(1).toFloatArray(), 1e-6f, network + "");
                int dim = network == Network.CONV_SOM ? 9 : 64;
                assertEquals(dim, net.soms().get(0).dim());
                assertEquals(dim, net.soms().get(1).dim());
            }
        }
    }
}
