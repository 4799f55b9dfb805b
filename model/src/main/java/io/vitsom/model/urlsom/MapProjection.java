package io.vitsom.model.urlsom;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.vitsom.model.nn.Initializers;
import java.util.Map;
import java.util.Objects;

/**
 * URL-SOM's map layer (paper section III, Fig. 1): a linear projection of the pooled features to the
 * {@code rows x cols} map, seen as a one-channel image, convolved with the fixed radial {@link MapKernel} (not a
 * parameter, never trained) and flattened back: the logits the softmax turns into the map's response. No
 * non-linearity sits between the projection and the kernel, as the paper requires.
 *
 * <p>Dropout (when {@code projection_dropout > 0}) drops the features the projection reads during training, as a
 * Keras {@code Dropout} before the {@code Dense} layer would. Input {@code [N, D]}, output {@code [N, rows * cols]}.
 */
public final class MapProjection extends AbstractBlock {
    private final int rows;
    private final int cols;
    private final int inputDim;
    private final float dropout;
    private final MapKernel kernel;
    private final MapKernel.Operator smoothing;
    private final Linear linear;

    /**
     * @param inputDim width of the features
     * @param map rows, columns, kernel and dropout of the map
     */
    public MapProjection(int inputDim, UrlSomConfig.MapLayer map) {
        this.rows = map.rows();
        this.cols = map.cols();
        this.inputDim = inputDim;
        this.dropout = (float) map.projectionDropout();
        this.kernel = Objects.requireNonNull(map.kernel().build(), "kernel");
        this.smoothing = kernel.on(rows, cols);
        Linear projection = Linear.builder().setUnits((long) rows * cols).optBias(true).build();
        // torch.nn.Linear's default: weight and bias U(-1/sqrt(in), 1/sqrt(in)).
        projection.setInitializer(Initializers.defaultBias(inputDim), Parameter.Type.WEIGHT);
        projection.setInitializer(Initializers.defaultBias(inputDim), Parameter.Type.BIAS);
        this.linear = addChildBlock("projection", projection);
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray features = inputs.singletonOrThrow();
        // Dropout on the projection's input (training only).
        if (training && dropout > 0) {
            features = Dropout.dropout(features, dropout, true).singletonOrThrow();
        }
        // Linear projection to the map: [N, rows * cols].
        NDArray map = linear.forward(ps, new NDList(features), training).singletonOrThrow();
        // The fixed radial kernel over the map.
        return new NDList(smoothing.apply(map));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0), (long) rows * cols)};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        linear.initialize(manager, dataType, new Shape(1, inputDim));
    }

    /** The projection's weight {@code [rows * cols, inputDim]}: row {@code k} is unit {@code k}'s prototype. */
    public Parameter weight() {
        return linear.getParameters().get("weight");
    }

    /** The fixed kernel over the map. */
    public MapKernel kernel() {
        return kernel;
    }

    /** Adds {@code prefix.weight} and {@code prefix.bias}. */
    public void collectParameters(String prefix, Map<String, Parameter> out) {
        UrlSomLayers.collect(linear, prefix, out);
    }
}
