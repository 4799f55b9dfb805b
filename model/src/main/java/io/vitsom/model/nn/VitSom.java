package io.vitsom.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.vitsom.model.config.VitSomConfig;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * ViT-SOM: a MAE-style ViT autoencoder whose encoder tokens are organised by a SOM layer, optionally with a
 * classification head on the CLS token (ViT-SOM-cls, or the plain ViT classifier when {@code model_arch: vit}).
 *
 * <p>{@link #forward} takes images {@code [B, C, H, W]} in [0, 1] and returns, in this order:
 * CLS token {@code [B, D]}, patch tokens {@code [B, N, D]}, reconstruction {@code [B, C, H, W]} (or an
 * empty placeholder when decoding is skipped), SOM distances {@code [B, units]} (when the model has a SOM),
 * and logits {@code [B, classes]} (when it classifies). Use {@link Outputs#of} to read them by name.
 * Build one with {@link #builder()}.
 */
public final class VitSom extends AbstractBlock {
    /** Forward-pass option: skip the decoder (inference only needs encoder + SOM). */
    public static final String SKIP_DECODER = "skip_decoder";

    private final VitSomConfig config;
    private final VitEncoder encoder;
    private final MaeDecoder decoder;
    private final SomLayer som;
    private final Linear head;

    private VitSom(Builder builder) {
        this.config = builder.config;
        VitSomConfig.Vit vit = config.vit();
        int c = config.data().numChannels();
        int size = config.data().inputSize();
        this.encoder = addChildBlock("vit_encoder", new VitEncoder(c, size, vit.patchSize(), vit.embDim(),
                vit.depth(), vit.heads(), vit.mlpHidden(vit.embDim())));
        this.decoder = addChildBlock("vit_decoder", new MaeDecoder(c, size, vit.patchSize(), vit.embDim(),
                vit.decEmbDim(), vit.decDepth(), vit.heads(), vit.mlpHidden(vit.decEmbDim())));
        this.som = config.usesSom()
                ? addChildBlock("som_layer", new SomLayer(config.som().grid(), config.somInputDim(), config.som().distance()))
                : null;
        if (config.classification()) {
            Linear linear = Linear.builder().setUnits(config.data().numClasses()).optBias(true).build();
            linear.setInitializer(Initializers.normal(0.02), Parameter.Type.WEIGHT);
            // nn.Linear's default bias init, which the reference leaves in place for the head.
            linear.setInitializer(Initializers.defaultBias(vit.embDim()), Parameter.Type.BIAS);
            this.head = addChildBlock("cls_head", linear);
        } else {
            this.head = null;
        }
    }

    /** A builder; {@code setConfig} is required. */
    public static Builder builder() {
        return new Builder();
    }

    /** Named view of the forward outputs. */
    public record Outputs(NDArray cls, NDArray patches, Optional<NDArray> reconstruction,
                          Optional<NDArray> distances, Optional<NDArray> logits) {
        /** Reads the list returned by {@link VitSom#forward} for {@code model}. */
        public static Outputs of(VitSom model, NDList list) {
            int i = 3;
            NDArray recon = list.get(2);
            Optional<NDArray> distances = model.som().isPresent() ? Optional.of(list.get(i++)) : Optional.empty();
            Optional<NDArray> logits = model.head != null ? Optional.of(list.get(i)) : Optional.empty();
            return new Outputs(list.get(0), list.get(1),
                    recon.getShape().dimension() == 4 ? Optional.of(recon) : Optional.empty(), distances, logits);
        }
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray tokens = encoder.forward(ps, inputs, training).singletonOrThrow();
        NDArray cls = tokens.get(new NDIndex(":, 0, :"));
        NDArray patches = tokens.get(new NDIndex(":, 1:, :"));
        boolean skipDecoder = params != null && params.contains(SKIP_DECODER);
        NDArray recon = skipDecoder
                ? tokens.getManager().zeros(new Shape(0))
                : decoder.forward(ps, new NDList(tokens), training).singletonOrThrow();
        NDList out = new NDList(cls, patches, recon);
        if (som != null) {
            NDArray somInput = config.som().useReduced() ? cls : patches.reshape(patches.getShape().get(0), -1);
            out.add(som.forward(ps, new NDList(somInput), training).singletonOrThrow());
        }
        if (head != null) {
            out.add(head.forward(ps, new NDList(cls), training).singletonOrThrow());
        }
        return out;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        long b = inputShapes[0].get(0);
        long d = config.vit().embDim();
        Shape recon = new Shape(b, config.data().numChannels(), config.data().inputSize(), config.data().inputSize());
        PairList<String, Shape> shapes = new PairList<>();
        shapes.add("cls", new Shape(b, d));
        shapes.add("patches", new Shape(b, config.numPatches(), d));
        shapes.add("recon", recon);
        if (som != null) {
            shapes.add("distances", new Shape(b, config.som().units()));
        }
        if (head != null) {
            shapes.add("logits", new Shape(b, config.data().numClasses()));
        }
        return shapes.values().toArray(new Shape[0]);
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        int c = config.data().numChannels();
        int size = config.data().inputSize();
        encoder.initialize(manager, dataType, new Shape(1, c, size, size));
        decoder.initialize(manager, dataType, new Shape(1, 1L + config.numPatches(), config.vit().embDim()));
        if (som != null) {
            som.initialize(manager, dataType, new Shape(1, config.somInputDim()));
        }
        if (head != null) {
            Layers.initialize(head, manager, dataType, config.vit().embDim());
        }
    }

    /** Initialises every parameter for CPU-or-device {@code manager}; call once after seeding the engine. */
    public void initialize(NDManager manager) {
        int size = config.data().inputSize();
        initialize(manager, DataType.FLOAT32, new Shape(1, config.data().numChannels(), size, size));
    }

    /**
     * Every parameter under the reference's PyTorch {@code state_dict} name ({@code vit.blocks.0.attn.qkv.weight},
     * {@code som_layer.prototypes}, ...), fixed position tables included, in a stable order.
     */
    public Map<String, Parameter> namedParameters() {
        Map<String, Parameter> out = new LinkedHashMap<>();
        encoder.collectParameters("vit", out);
        decoder.collectParameters("vit", out);
        if (som != null) {
            som.collectParameters("som_layer", out);
        }
        if (head != null) {
            Layers.collect(head, "cls_head", out);
        }
        return out;
    }

    /** Trainable parameter count (the fixed position tables excluded), as the paper counts. */
    public long trainableParameterCount() {
        return NamedParameters.trainableScalars(namedParameters(), "");
    }

    /** Trainable parameter count of the parameters whose reference name starts with {@code prefix}. */
    public long trainableParameterCount(String prefix) {
        return NamedParameters.trainableScalars(namedParameters(), prefix);
    }

    public VitSomConfig config() {
        return config;
    }

    public VitEncoder encoder() {
        return encoder;
    }

    public MaeDecoder decoder() {
        return decoder;
    }

    /** The SOM layer, absent for the plain ViT classifier. */
    public Optional<SomLayer> som() {
        return Optional.ofNullable(som);
    }

    /** Builds a {@link VitSom} from a validated config. */
    public static final class Builder {
        private VitSomConfig config;

        private Builder() {
        }

        /** Required: the model configuration. */
        public Builder setConfig(VitSomConfig config) {
            this.config = Objects.requireNonNull(config, "config");
            return this;
        }

        public VitSom build() {
            if (config == null) {
                throw new IllegalStateException("VitSom.Builder: setConfig(...) is required");
            }
            return new VitSom(this);
        }
    }

}
