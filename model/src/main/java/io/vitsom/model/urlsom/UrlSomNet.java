package io.vitsom.model.urlsom;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.vitsom.model.nn.NamedParameters;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The URL-SOM network (paper Fig. 1): {@link ResNetBackbone} to pooled features, then {@link MapProjection} to the
 * map's logits; the softmax over the units is left to the caller (the loss and the BMU both need the
 * probabilities, the logits are what a checkpoint-free comparison reads).
 *
 * <p>{@link #forward} takes images {@code [N, C, H, W]} in [0, 1] and returns, in this order, the logits
 * {@code [N, units]} and the pooled features {@code [N, D]}; {@link Outputs#of} names them. In training mode the
 * batch norms normalise with the batch's statistics and update their running statistics; in inference mode they
 * use the running statistics. Build one with {@link #builder()}, then {@link #initialize(NDManager)} after seeding
 * the engine ({@code Engine.getInstance().setRandomSeed}).
 */
public final class UrlSomNet extends AbstractBlock {
    private final UrlSomConfig config;
    private final ResNetBackbone backbone;
    private final MapProjection projection;

    private UrlSomNet(Builder builder) {
        this.config = builder.config;
        this.backbone = addChildBlock("backbone", new ResNetBackbone(config.numChannels(), config.backbone()));
        this.projection = addChildBlock("projection", new MapProjection(backbone.featureDim(), config.map()));
    }

    /** A builder; {@code setConfig} is required. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Named view of the forward outputs.
     *
     * @param logits the map's logits {@code [N, units]}, after the fixed kernel
     * @param features the pooled backbone features {@code [N, D]}
     */
    public record Outputs(NDArray logits, NDArray features) {
        /** Reads the list returned by {@link UrlSomNet#forward}. */
        public static Outputs of(NDList list) {
            return new Outputs(list.get(0), list.get(1));
        }

        /** The map's response: the softmax of the logits over the units, {@code [N, units]}. */
        public NDArray probabilities() {
            return logits.softmax(1);
        }
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        // Backbone: images to pooled features [N, D].
        NDArray features = backbone.forward(ps, inputs, training).singletonOrThrow();
        // Projection to the map and the fixed kernel: logits [N, units].
        NDArray logits = projection.forward(ps, new NDList(features), training).singletonOrThrow();
        return new NDList(logits, features);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        long n = inputShapes[0].get(0);
        return new Shape[] {new Shape(n, config.units()), new Shape(n, backbone.featureDim())};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        backbone.initialize(manager, dataType, inputShapes);
        projection.initialize(manager, dataType, backbone.getOutputShapes(inputShapes));
    }

    /** Initialises every parameter on {@code manager} for the config's input; seed the engine first. */
    public void initialize(NDManager manager) {
        int size = config.inputSize();
        initialize(manager, DataType.FLOAT32, new Shape(1, config.numChannels(), size, size));
    }

    /**
     * Every parameter by its stable checkpoint name, in a stable order: {@code backbone.stem.conv.weight},
     * {@code backbone.stage1.block0.bn1.gamma}, ..., batch-norm running statistics
     * ({@code ...running_mean}, {@code ...running_var}) included, then {@code projection.weight} and
     * {@code projection.bias}.
     */
    public Map<String, Parameter> namedParameters() {
        Map<String, Parameter> out = new LinkedHashMap<>();
        backbone.collectParameters("backbone", out);
        projection.collectParameters("projection", out);
        return out;
    }

    /** Trained scalars (the running statistics excluded). */
    public long trainableParameterCount() {
        return trainableParameterCount("");
    }

    /** Trained scalars of the parameters whose name starts with {@code prefix}. */
    public long trainableParameterCount(String prefix) {
        return NamedParameters.trainableScalars(namedParameters(), prefix);
    }

    public UrlSomConfig config() {
        return config;
    }

    public ResNetBackbone backbone() {
        return backbone;
    }

    public MapProjection projection() {
        return projection;
    }

    /** Builds a {@link UrlSomNet} from a validated config. */
    public static final class Builder {
        private UrlSomConfig config;

        private Builder() {
        }

        /** Required: the model configuration. */
        public Builder setConfig(UrlSomConfig config) {
            this.config = Objects.requireNonNull(config, "config");
            return this;
        }

        public UrlSomNet build() {
            if (config == null) {
                throw new IllegalStateException("UrlSomNet.Builder: setConfig(...) is required");
            }
            return new UrlSomNet(this);
        }
    }
}
