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
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * DESOM: a fully connected autoencoder whose code is organised by a SOM layer (Forest et al., 2019).
 *
 * <p>{@link #forward} takes flattened inputs {@code [B, inputDim]} (higher-rank inputs are flattened) and returns,
 * in this order: code {@code [B, latentDim]}, reconstruction {@code [B, inputDim]} and squared euclidean
 * distances to the prototypes {@code [B, units]}; {@link Outputs#of} names them. Build one with {@link #builder()}.
 */
public final class Desom extends AbstractBlock {
    private final DesomConfig config;
    private final MlpAutoencoder autoencoder;
    private final EuclideanSomLayer som;

    private Desom(Builder builder) {
        this.config = builder.config;
        this.autoencoder = addChildBlock("autoencoder", new MlpAutoencoder(config.encoderDims()));
        this.som = addChildBlock("SOM", new EuclideanSomLayer(config.mapRows(), config.mapCols(), config.latentDim()));
    }

    /** A builder; {@code setConfig} is required. */
    public static Builder builder() {
        return new Builder();
    }

    /** Named view of the forward outputs. */
    public record Outputs(NDArray code, NDArray reconstruction, NDArray distances) {
        /** Reads the list returned by {@link Desom#forward}. */
        public static Outputs of(NDList list) {
            return new Outputs(list.get(0), list.get(1), list.get(2));
        }
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        if (x.getShape().dimension() > 2) {
            x = x.reshape(x.getShape().get(0), -1);
        }
        // Code and reconstruction from the autoencoder, distances from the SOM on the code.
        NDList ae = autoencoder.forward(ps, new NDList(x), training);
        NDArray distances = som.forward(ps, new NDList(ae.get(0)), training).singletonOrThrow();
        return new NDList(ae.get(0), ae.get(1), distances);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        long b = inputShapes[0].get(0);
        return new Shape[] {new Shape(b, config.latentDim()), new Shape(b, config.inputDim()),
            new Shape(b, config.units())};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        autoencoder.initialize(manager, dataType, new Shape(1, config.inputDim()));
        som.initialize(manager, dataType, new Shape(1, config.latentDim()));
    }

    /** Initialises every parameter on {@code manager}; seed the engine first ({@code Engine.setRandomSeed}). */
    public void initialize(NDManager manager) {
        initialize(manager, DataType.FLOAT32, new Shape(1, config.inputDim()));
    }

    /**
     * Every parameter under the reference's Keras names, in order: {@code encoder_0.weight}, {@code encoder_0.bias},
     * ..., {@code decoder_0.bias}, {@code SOM.prototypes}. Weights are DJL's {@code [out, in]} (Keras' kernel
     * transposed).
     */
    public Map<String, Parameter> namedParameters() {
        Map<String, Parameter> out = new LinkedHashMap<>();
        autoencoder.collectParameters(out);
        som.collectParameters("SOM", out);
        return out;
    }

    /** The autoencoder's parameters only (what pre-training updates). */
    public Map<String, Parameter> autoencoderParameters() {
        Map<String, Parameter> out = new LinkedHashMap<>();
        autoencoder.collectParameters(out);
        return out;
    }

    /** Number of trainable values (autoencoder weights and biases plus prototypes). */
    public long parameterCount() {
        return namedParameters().values().stream().mapToLong(p -> p.getArray().size()).sum();
    }

    public DesomConfig config() {
        return config;
    }

    public MlpAutoencoder autoencoder() {
        return autoencoder;
    }

    public EuclideanSomLayer som() {
        return som;
    }

    /** Builds a {@link Desom} from a validated config. */
    public static final class Builder {
        private DesomConfig config;

        private Builder() {
        }

        /** Required: the model configuration. */
        public Builder setConfig(DesomConfig config) {
            this.config = Objects.requireNonNull(config, "config");
            return this;
        }

        public Desom build() {
            if (config == null) {
                throw new IllegalStateException("Desom.Builder: setConfig(...) is required");
            }
            return new Desom(this);
        }
    }
}
