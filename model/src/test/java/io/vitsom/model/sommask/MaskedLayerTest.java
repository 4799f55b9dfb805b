package io.vitsom.model.sommask;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.vitsom.model.sommask.SomMaskConfig.Activation;
import io.vitsom.model.sommask.SomMaskConfig.MaskPosition;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class MaskedLayerTest {
    private static final float E1 = (float) Math.exp(-1);
    private static final float E05 = (float) Math.exp(-0.5);

    private static void fill(MaskedLayer layer, String kind, float value) {
        for (var pair : layer.getParameters()) {
            if (pair.getKey().endsWith(kind)) {
                NDArray a = pair.getValue().getArray();
                float[] v = new float[Math.toIntExact(a.size())];
                Arrays.fill(v, value);
                a.set(v);
            }
        }
    }

    @Test
    void dropoutKeepsTheRatioInTrainingAndIsTheIdentityAtInference() {
        try (NDManager manager = NDManager.newBaseManager()) {
            MaskedLayer layer = new MaskedLayer(100, 0, new NetworkPlan.Dropout(0.05), new MaskedLayer.LayerInput(),
                    Activation.RELU, MaskPosition.BEFORE_ACTIVATION, 11);
            layer.initialize(manager, DataType.FLOAT32, new Shape(1, 10), new Shape(1, 10, 1, 1));
            fill(layer, "weight", 0.1f);
            fill(layer, "bias", 0f);
            NDArray x = manager.ones(new Shape(200, 10));
            var ps = new ParameterStore(manager, false);
            float[] eval = layer.forward(ps, new NDList(x, x), false).get(0).toFloatArray();
            float[] ones = new float[20_000];
            Arrays.fill(ones, 1f);
            assertArrayEquals(ones, eval, 1e-6f);
            float[] train = layer.forward(ps, new NDList(x, x), true).get(0).toFloatArray();
            int kept = 0;
            for (float v : train) {
                assertTrue(v == 0f || Math.abs(v - 20f) < 1e-4f, "kept neurons are scaled by 1 / 0.05, got " + v);
                kept += v == 0f ? 0 : 1;
            }
            assertEquals(0.05, kept / 20_000.0, 0.01);
        }
    }

    /** A 1x1 convolution with weight 1 copies the input into every channel, so the output is the mask times x. */
    private static MaskedLayer copyingConv(NDManager manager, int channels, MaskedLayer.SomInput input, int keep,
                                           Shape image) {
        MaskedLayer layer = new MaskedLayer(channels, 1, new NetworkPlan.Som(1.0, 1.0, keep, 0.1), input,
                Activation.RELU, MaskPosition.BEFORE_ACTIVATION, 0);
        layer.initialize(manager, DataType.FLOAT32, image, image);
        fill(layer, "weight", 1f);
        fill(layer, "bias", 0f);
        return layer;
    }

    @Test
    void cnnGatesWholeChannelsByTheImagesWinner() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Shape shape = new Shape(1, 1, 2, 2);
            MaskedLayer layer = copyingConv(manager, 4, new MaskedLayer.WholeImage(), 0, shape);
            float[] pixels = {0.1f, 0.2f, 0.3f, 0.4f};
            layer.som().setPrototypes(new float[][] {{1, 1, 1, 1}, {0, 0, 0, 0}, {1, 0, 1, 0}, pixels});
            NDArray x = manager.create(pixels, shape);
            NDList out = layer.forward(new ParameterStore(manager, false), new NDList(x, x), false);
            assertEquals(new Shape(1, 4, 2, 2), out.get(0).getShape());
            // Winner 3 at (1, 1) of the 2x2 channel map: channels 0..3 at squared distances 2, 1, 1, 0.
            float[] m = {E1, E05, E05, 1f};
            float[] expected = new float[16];
            for (int c = 0; c < 4; c++) {
                for (int p = 0; p < 4; p++) {
                    expected[c * 4 + p] = m[c] * pixels[p];
                }
            }
            assertArrayEquals(expected, out.get(0).toFloatArray(), 1e-6f);
            assertEquals(4f, out.get(1).getFloat(0));
        }
    }

    @Test
    void convSomGivesEveryPositionItsPatchWinnersMask() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Shape shape = new Shape(1, 1, 2, 2);
            float[] pixels = {0.1f, 0.9f, 0.8f, 0.2f};
            NDArray x = manager.create(pixels, shape);
            MaskedLayer layer = copyingConv(manager, 2, new MaskedLayer.GrayPatches(1, 1), 0, shape);
            layer.som().setPrototypes(new float[][] {{0f}, {1f}});
            NDList out = layer.forward(new ParameterStore(manager, false), new NDList(x, x), false);
            // Winners per position: 0, 1, 1, 0 on a 1x2 channel map.
            float[][] m = {{1f, E05}, {E05, 1f}, {E05, 1f}, {1f, E05}};
            float[] expected = new float[8];
            for (int c = 0; c < 2; c++) {
                for (int p = 0; p < 4; p++) {
                    expected[c * 4 + p] = m[p][c] * pixels[p];
                }
            }
            assertArrayEquals(expected, out.get(0).toFloatArray(), 1e-6f);
            assertEquals(2f, out.get(1).getFloat(0));

            MaskedLayer top1 = copyingConv(manager, 2, new MaskedLayer.GrayPatches(1, 1), 1, shape);
            top1.som().setPrototypes(new float[][] {{0f}, {1f}});
            NDList kept = top1.forward(new ParameterStore(manager, false), new NDList(x, x), false);
            assertArrayEquals(new float[] {0.1f, 0f, 0f, 0.2f, 0f, 0.9f, 0.8f, 0f}, kept.get(0).toFloatArray(), 1e-6f);
            assertEquals(1f, kept.get(1).getFloat(0), "one channel per position");
        }
    }

    @Test
    void grayPatchesReadTheNeighbourhoodOfEachPosition() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Shape shape = new Shape(1, 1, 3, 3);
            // A 3x3 image whose only bright pixel is the centre: only the centre's patch has it in the middle.
            float[] pixels = {0, 0, 0, 0, 1, 0, 0, 0, 0};
            float[] centred = {0, 0, 0, 0, 1, 0, 0, 0, 0};
            MaskedLayer layer = copyingConv(manager, 2, new MaskedLayer.GrayPatches(3, 1), 1, shape);
            layer.som().setPrototypes(new float[][] {new float[9], centred});
            NDArray x = manager.create(pixels, shape);
            float[] y = layer.forward(new ParameterStore(manager, false), new NDList(x, x), false).get(0)
                    .toFloatArray();
            // Channel 1 (the centred prototype) wins only at the centre, where x = 1.
            assertArrayEquals(new float[] {0, 0, 0, 0, 1, 0, 0, 0, 0}, Arrays.copyOfRange(y, 9, 18), 1e-6f);
        }
    }
}
