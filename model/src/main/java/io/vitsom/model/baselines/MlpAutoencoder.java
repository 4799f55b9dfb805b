package io.vitsom.model.baselines;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * The reference's symmetric fully connected autoencoder ({@code AE.mlp_autoencoder}): encoder
 * {@code dims[0] -> ... -> dims[n]} with ReLU hidden layers and a linear code, decoder mirrored
 * {@code dims[n] -> ... -> dims[0]} with a linear output. Layers carry the reference's names
 * ({@code encoder_0..encoder_{n-1}}, {@code decoder_{n-1}..decoder_0}).
 *
 * <p>Forward: {@code x [B, dims[0]] -> code [B, dims[n]], reconstruction [B, dims[0]]}.
 */
public final class MlpAutoencoder extends AbstractBlock {
    private final List<Integer> dims;
    private final MlpStack encoder;
    private final MlpStack decoder;

    /** @param dims encoder widths, input first and code last */
    public MlpAutoencoder(List<Integer> dims) {
        this.dims = List.copyOf(dims);
        int n = this.dims.size() - 1;
        List<String> encoderNames = new ArrayList<>();
        List<String> decoderNames = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            encoderNames.add("encoder_" + i);
            decoderNames.add("decoder_" + (n - 1 - i));
        }
        this.encoder = addChildBlock("encoder", new MlpStack(this.dims, encoderNames));
        this.decoder = addChildBlock("decoder", new MlpStack(reversed(this.dims), decoderNames));
    }

    private static List<Integer> reversed(List<Integer> values) {
        List<Integer> out = new ArrayList<>(values);
        Collections.reverse(out);
        return out;
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        // Code, then its reconstruction.
        NDArray code = encoder.forward(ps, inputs, training).singletonOrThrow();
        NDArray reconstruction = decoder.forward(ps, new NDList(code), training).singletonOrThrow();
        return new NDList(code, reconstruction);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        long b = inputShapes[0].get(0);
        return new Shape[] {new Shape(b, dims.get(dims.size() - 1)), new Shape(b, dims.get(0))};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        encoder.initialize(manager, dataType, new Shape(1, dims.get(0)));
        decoder.initialize(manager, dataType, new Shape(1, dims.get(dims.size() - 1)));
    }

    /** The encoder {@code [B, dims[0]] -> [B, dims[n]]}. */
    public MlpStack encoder() {
        return encoder;
    }

    /** The decoder {@code [B, dims[n]] -> [B, dims[0]]}. */
    public MlpStack decoder() {
        return decoder;
    }

    /** Encoder widths, input first. */
    public List<Integer> dims() {
        return dims;
    }

    void collectParameters(Map<String, Parameter> out) {
        encoder.collectParameters(out);
        decoder.collectParameters(out);
    }
}
