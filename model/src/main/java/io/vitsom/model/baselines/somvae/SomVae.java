package io.vitsom.model.baselines.somvae;

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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * SOM-VAE (Fortuin, Hüser, Locatello, Strathmann, Rätsch, ICLR 2019; reference code ratschlab/SOM-VAE), the
 * fully connected variant: an encoder to {@code z_e}, a SOM of embeddings, {@code z_q} = the BMU's embedding,
 * and two decoders, one for {@code z_q} and one for {@code z_e}.
 *
 * <p>The two decoders have separate weights, as in the reference: its {@code reconstruction_q} and
 * {@code reconstruction_e} each build new Keras {@code Dense} layers, which {@code tf.variable_scope(reuse=
 * AUTO_REUSE)} does not share. With {@link SomVaeConfig#gradientCopying()} the z_q decoder reads
 * {@code z_e + stopGradient(z_q - z_e)}: the value of {@code z_q}, the gradient copied to {@code z_e}.
 *
 * <p>{@link #forward} takes flattened inputs {@code [B, inputDim]} (higher-rank inputs are flattened) and returns,
 * in this order: {@code z_e [B, latentDim]}, {@code z_q [B, latentDim]}, squared distances to the embeddings
 * {@code [B, units]}, the z_q reconstruction {@code [B, inputDim]}, the z_e reconstruction {@code [B, inputDim]}
 * and the BMUs {@code [B]} (int64); {@link Outputs#of} names them. Build one with {@link #builder()}.
 */
public final class SomVae extends AbstractBlock {
    private final SomVaeConfig config;
    private final SomVaeMlp encoder;
    private final SomVaeMlp decoderQ;
    private final SomVaeMlp decoderE;
    private final SomVaeSomLayer som;

    private SomVae(Builder builder) {
        this.config = builder.config;
        List<Integer> dims = config.encoderDims();
        List<Integer> reversed = new ArrayList<>(dims);
        Collections.reverse(reversed);
        int n = dims.size() - 1;
        this.encoder = addChildBlock("encoder", new SomVaeMlp(dims, names("encoder_", n, false), SomVaeMlp.Output.RELU));
        this.decoderQ = addChildBlock("decoder_q",
                new SomVaeMlp(reversed, names("decoder_q_", n, true), SomVaeMlp.Output.SIGMOID));
        this.decoderE = addChildBlock("decoder_e",
                new SomVaeMlp(reversed, names("decoder_e_", n, true), SomVaeMlp.Output.SIGMOID));
        this.som = addChildBlock("SOM", new SomVaeSomLayer(config.somRows(), config.somCols(), config.latentDim()));
    }

    /** {@code prefix0..prefix{n-1}}, or {@code prefix{n-1}..prefix0} for a mirrored decoder. */
    private static List<String> names(String prefix, int n, boolean mirrored) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(prefix + (mirrored ? n - 1 - i : i));
        }
        return out;
    }

    /** A builder; {@code setConfig} is required. */
    public static Builder builder() {
        return new Builder();
    }

    /** Named view of the forward outputs. */
    public record Outputs(NDArray zE, NDArray zQ, NDArray distances, NDArray reconstructionQ,
                          NDArray reconstructionE, NDArray bmus) {
        /** Reads the list returned by {@link SomVae#forward}. */
        public static Outputs of(NDList list) {
            return new Outputs(list.get(0), list.get(1), list.get(2), list.get(3), list.get(4), list.get(5));
        }
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        if (x.getShape().dimension() > 2) {
            x = x.reshape(x.getShape().get(0), -1);
        }
        NDManager manager = x.getManager();
        NDArray zE = encoder.forward(ps, new NDList(x), training).singletonOrThrow();
        NDArray distances = som.forward(ps, new NDList(zE), training).singletonOrThrow();
        // BMU k = argmin_k ||z_e - e_k||^2; z_q = onehot(k) . E, so its gradient reaches the BMU's embedding only.
        NDArray bmus = distances.argMin(1);
        long[] k = bmus.toLongArray();
        NDArray oneHot = manager.create(som.oneHot(k), new Shape(k.length, config.units())).toDevice(zE.getDevice(), false);
        NDArray embeddings = ps.getValue(som.embeddings(), zE.getDevice(), training);
        NDArray zQ = oneHot.matMul(embeddings);
        // Gradient copying: value of z_q, gradient of the z_q decoder's input copied to z_e.
        NDArray decoderInput = config.gradientCopying() ? zE.add(zQ.sub(zE).stopGradient()) : zQ;
        NDArray reconstructionQ = decoderQ.forward(ps, new NDList(decoderInput), training).singletonOrThrow();
        NDArray reconstructionE = decoderE.forward(ps, new NDList(zE), training).singletonOrThrow();
        return new NDList(zE, zQ, distances, reconstructionQ, reconstructionE, bmus);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        long b = inputShapes[0].get(0);
        Shape latent = new Shape(b, config.latentDim());
        Shape input = new Shape(b, config.inputDim());
        return new Shape[] {latent, latent, new Shape(b, config.units()), input, input, new Shape(b)};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        encoder.initialize(manager, dataType, new Shape(1, config.inputDim()));
        decoderQ.initialize(manager, dataType, new Shape(1, config.latentDim()));
        decoderE.initialize(manager, dataType, new Shape(1, config.latentDim()));
        som.initialize(manager, dataType, new Shape(1, config.latentDim()));
    }

    /** Initialises every parameter on {@code manager}; seed the engine first ({@code Engine.setRandomSeed}). */
    public void initialize(NDManager manager) {
        initialize(manager, DataType.FLOAT32, new Shape(1, config.inputDim()));
    }

    /**
     * Every parameter, in order: {@code encoder_0.weight}, {@code encoder_0.bias}, ..., {@code decoder_q_{n-1}.*}
     * ... {@code decoder_q_0.*}, {@code decoder_e_{n-1}.*} ... {@code decoder_e_0.*}, {@code SOM.embeddings}.
     * Weights are DJL's {@code [out, in]}.
     */
    public Map<String, Parameter> namedParameters() {
        Map<String, Parameter> out = new LinkedHashMap<>();
        encoder.collectParameters(out);
        decoderQ.collectParameters(out);
        decoderE.collectParameters(out);
        out.put("SOM.embeddings", som.embeddings());
        return out;
    }

    /** Number of trainable values. */
    public long parameterCount() {
        return namedParameters().values().stream().mapToLong(p -> p.getArray().size()).sum();
    }

    public SomVaeConfig config() {
        return config;
    }

    /** The encoder {@code [B, inputDim] -> z_e [B, latentDim]}. */
    public SomVaeMlp encoder() {
        return encoder;
    }

    /** The decoder of {@code z_q}. */
    public SomVaeMlp decoderQ() {
        return decoderQ;
    }

    /** The decoder of {@code z_e}. */
    public SomVaeMlp decoderE() {
        return decoderE;
    }

    public SomVaeSomLayer som() {
        return som;
    }

    /** Builds a {@link SomVae} from a validated config. */
    public static final class Builder {
        private SomVaeConfig config;

        private Builder() {
        }

        /** Required: the model configuration. */
        public Builder setConfig(SomVaeConfig config) {
            this.config = Objects.requireNonNull(config, "config");
            return this;
        }

        public SomVae build() {
            if (config == null) {
                throw new IllegalStateException("SomVae.Builder: setConfig(...) is required");
            }
            return new SomVae(this);
        }
    }
}
