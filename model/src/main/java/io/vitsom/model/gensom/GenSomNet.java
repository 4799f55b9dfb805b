package io.vitsom.model.gensom;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.vitsom.model.nn.ConvDecoder;
import io.vitsom.model.nn.ConvEncoder;
import io.vitsom.model.nn.NamedParameters;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The trained network of Gen-SOM-Attn: {@link ConvEncoder}, {@link LatentAttention}, {@link LatentProjection} and
 * {@link ConvDecoder}; the Kohonen map is not part of it (it is not trained by gradient, {@link KohonenCodebook}).
 *
 * <p>{@link #forward} encodes: images {@code [N, C, S, S]} in [0, 1] to latents {@code v_attn [N, latent_dim]}. With
 * {@code attention.over: spatial} the encoder's last feature map {@code [N, W, s, s]} becomes {@code s * s} tokens of
 * width {@code W}, attended, then projected to the latent; with {@code latent} the flattened feature map is projected
 * to {@code v} first, and {@code v}'s {@code latent_tokens} chunks are attended. {@link #decode} maps latents back to
 * images. Build one with {@link #builder()}, then {@link #initialize(NDManager)} after seeding the engine
 * ({@code Engine.getInstance().setRandomSeed}).
 */
public final class GenSomNet extends AbstractBlock {
    private final GenSomConfig config;
    private final ConvEncoder encoder;
    private final LatentAttention attention;
    private final LatentProjection projection;
    private final ConvDecoder decoder;
    private final int mapSide;

    private GenSomNet(Builder builder) {
        this.config = builder.config;
        int latent = config.latentDim();
        this.encoder = addChildBlock("encoder", new ConvEncoder(config.numChannels(), ints(config.encoder().widths())));
        this.mapSide = ConvEncoder.outSide(config.inputSize(), config.encoder().widths().size());
        int channels = encoder.outChannels();
        GenSomConfig.Attention a = config.attention();
        if (a.over() == GenSomConfig.AttentionInput.SPATIAL) {
            this.attention = addChildBlock("attention", new LatentAttention(channels, a.heads()));
            this.projection = addChildBlock("projection",
                    new LatentProjection(mapSide * mapSide, channels, a.readout(), latent));
        } else {
            this.projection = addChildBlock("projection",
                    new LatentProjection(1, channels * mapSide * mapSide, GenSomConfig.Readout.FLATTEN, latent));
            this.attention = addChildBlock("attention", new LatentAttention(latent / a.latentTokens(), a.heads()));
        }
        this.decoder = addChildBlock("decoder", new ConvDecoder(latent, ints(config.decoder().widths()),
                config.numChannels(), config.inputSize()));
    }

    /** A builder; {@code setConfig} is required. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        // Encoder: images to the last feature map [N, W, s, s].
        NDArray map = encoder.forward(ps, inputs, training).singletonOrThrow();
        long n = map.getShape().get(0);
        long channels = encoder.outChannels();
        long positions = (long) mapSide * mapSide;
        if (config.attention().over() == GenSomConfig.AttentionInput.SPATIAL) {
            // Spatial tokens [N, s*s, W], attended, read out and projected to v_attn [N, latent].
            NDArray tokens = map.reshape(n, channels, positions).transpose(0, 2, 1);
            NDArray attended = attention.forward(ps, new NDList(tokens), training).singletonOrThrow();
            return projection.forward(ps, new NDList(attended), training);
        }
        // Latent tokens: v [N, latent] from the flattened map, split into chunks, attended, joined back.
        NDArray v = projection.forward(ps, new NDList(map.reshape(n, 1, channels * positions)), training)
                .singletonOrThrow();
        int chunks = config.attention().latentTokens();
        NDArray attended = attention.forward(ps, new NDList(v.reshape(n, chunks, config.latentDim() / chunks)),
                training).singletonOrThrow();
        return new NDList(attended.reshape(n, config.latentDim()));
    }

    /** The decoder: latents {@code [N, latent_dim]} to images {@code [N, C, S, S]} in (0, 1). */
    public NDArray decode(ParameterStore ps, NDArray latents, boolean training) {
        return decoder.forward(ps, new NDList(latents), training).singletonOrThrow();
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0), config.latentDim())};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        encoder.initialize(manager, dataType, inputShapes);
        long channels = encoder.outChannels();
        long positions = (long) mapSide * mapSide;
        if (config.attention().over() == GenSomConfig.AttentionInput.SPATIAL) {
            attention.initialize(manager, dataType, new Shape(1, positions, channels));
            projection.initialize(manager, dataType, new Shape(1, positions, channels));
        } else {
            projection.initialize(manager, dataType, new Shape(1, 1, channels * positions));
            int chunks = config.attention().latentTokens();
            attention.initialize(manager, dataType, new Shape(1, chunks, config.latentDim() / chunks));
        }
        decoder.initialize(manager);
    }

    /** Initialises every parameter on {@code manager} for the config's input; seed the engine first. */
    public void initialize(NDManager manager) {
        int size = config.inputSize();
        initialize(manager, DataType.FLOAT32, new Shape(1, config.numChannels(), size, size));
    }

    /**
     * Every trained parameter by its stable checkpoint name, in a stable order: {@code encoder.conv0.weight}, ...,
     * {@code attention.qkv.weight}, {@code attention.proj.*}, {@code attention.norm.*}, {@code projection.weight},
     * {@code projection.bias}, {@code decoder.linear.*}, {@code decoder.deconv0.weight}, ...
     */
    public Map<String, Parameter> namedParameters() {
        Map<String, Parameter> out = new LinkedHashMap<>();
        encoder.collectParameters("encoder", out);
        attention.collectParameters("attention", out);
        projection.collectParameters("projection", out);
        decoder.collectParameters("decoder", out);
        return out;
    }

    /** Trained scalars. */
    public long trainableParameterCount() {
        return trainableParameterCount("");
    }

    /** Trained scalars of the parameters whose name starts with {@code prefix}. */
    public long trainableParameterCount(String prefix) {
        return NamedParameters.trainableScalars(namedParameters(), prefix);
    }

    public GenSomConfig config() {
        return config;
    }

    private static int[] ints(java.util.List<Integer> values) {
        return values.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Builds a {@link GenSomNet} from a validated config. */
    public static final class Builder {
        private GenSomConfig config;

        private Builder() {
        }

        /** Required: the model configuration. */
        public Builder setConfig(GenSomConfig config) {
            this.config = Objects.requireNonNull(config, "config");
            return this;
        }

        public GenSomNet build() {
            if (config == null) {
                throw new IllegalStateException("GenSomNet.Builder: setConfig(...) is required");
            }
            return new GenSomNet(this);
        }
    }
}
