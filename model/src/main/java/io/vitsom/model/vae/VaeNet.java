package io.vitsom.model.vae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.vitsom.model.nn.ConvDecoder;
import io.vitsom.model.nn.ConvEncoder;
import io.vitsom.model.nn.Initializers;
import io.vitsom.model.nn.NamedParameters;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The VAE baseline's network: {@link ConvEncoder} to a feature map, flattened; two linear heads for the posterior's
 * mean {@code mu} and log-variance {@code logvar} ({@code [N, latent]} each); the reparameterisation
 * {@code z = mu + exp(logvar / 2) * eps}; {@link ConvDecoder} from {@code z} to images in (0, 1). The encoder and
 * decoder are the blocks Gen-SOM-Attn uses, with the same widths, so the two models differ by their latent
 * machinery (two heads here, attention and a map there), not by their convolutions.
 *
 * <p>{@link #forward} takes the images {@code [N, C, S, S]} and the noise {@code eps} {@code [N, latent]} (drawn by
 * the caller, so that the trainer's seed fixes it) and returns the reconstruction {@code [N, C, S, S]}, {@code mu}
 * and {@code logvar}; {@link Outputs#of} names them. Build one from a config, then {@link #initialize(NDManager)}
 * after seeding the engine.
 */
public final class VaeNet extends AbstractBlock {
    private final VaeConfig config;
    private final ConvEncoder encoder;
    private final Linear mu;
    private final Linear logvar;
    private final ConvDecoder decoder;
    /** Bound of the log-variance head: variances in [e^-10, e^10]. */
    static final float LOGVAR_BOUND = 10f;

    /** Width of the flattened encoder output: {@code widths[last] * (S / 2^k)^2}. */
    private final int flat;

    /** @param config a validated config */
    public VaeNet(VaeConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        this.encoder = addChildBlock("encoder", new ConvEncoder(config.numChannels(), config.encoderWidthArray()));
        int side = ConvEncoder.outSide(config.inputSize(), config.encoderWidths().size());
        this.flat = encoder.outChannels() * side * side;
        this.mu = addChildBlock("mu", head(config.latentDim(), flat));
        this.logvar = addChildBlock("logvar", head(config.latentDim(), flat));
        // Logits out: the loss is binary cross-entropy on logits, which keeps its gradient where a sigmoid saturates.
        this.decoder = addChildBlock("decoder", new ConvDecoder(config.latentDim(), config.decoderWidthArray(),
                config.numChannels(), config.inputSize(), false));
    }

    /** A Linear with PyTorch's default initialisation, {@code U(-1/sqrt(in), 1/sqrt(in))}. */
    private static Linear head(int units, int in) {
        Linear l = Linear.builder().setUnits(units).optBias(true).build();
        l.setInitializer(Initializers.defaultBias(in), Parameter.Type.WEIGHT);
        l.setInitializer(Initializers.defaultBias(in), Parameter.Type.BIAS);
        return l;
    }

    /**
     * Named view of the forward outputs.
     *
     * @param logits the decoded images' pixel logits {@code [N, C, S, S]} (the loss takes logits: see
     *     {@link VaeLoss})
     * @param mu posterior means {@code [N, latent]}
     * @param logvar posterior log-variances {@code [N, latent]}
     */
    public record Outputs(NDArray logits, NDArray mu, NDArray logvar) {
        /** Reads the list returned by {@link VaeNet#forward}. */
        public static Outputs of(NDList list) {
            return new Outputs(list.get(0), list.get(1), list.get(2));
        }
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.get(0);
        NDArray eps = inputs.get(1);
        NDList posterior = encode(ps, x, training);
        NDArray m = posterior.get(0);
        NDArray lv = posterior.get(1);
        // Reparameterisation: z = mu + sigma * eps, differentiable in mu and logvar.
        NDArray z = m.add(lv.mul(0.5f).exp().mul(eps));
        return new NDList(apply(ps, decoder, z, training), m, lv);
    }

    /** The posterior of images {@code [N, C, S, S]}: {@code mu} and {@code logvar}, {@code [N, latent]} each. */
    public NDList encode(ParameterStore ps, NDArray images, boolean training) {
        // Conv stages to [N, widths[last], s, s], flattened.
        NDArray h = apply(ps, encoder, images, training);
        h = h.reshape(h.getShape().get(0), flat);
        // The two heads.
        // The log-variance is bounded: exp(logvar) enters the KL and scales the sampling noise, and an unbounded
        // head let one run's loss explode (to 1e11) after 17 epochs.
        return new NDList(apply(ps, mu, h, training),
                apply(ps, logvar, h, training).clip(-LOGVAR_BOUND, LOGVAR_BOUND));
    }

    /** Images {@code [N, C, S, S]} in (0, 1) decoded from latents {@code [N, latent]}. */
    public NDArray decode(ParameterStore ps, NDArray z, boolean training) {
        return Activation.sigmoid(apply(ps, decoder, z, training));
    }

    private static NDArray apply(ParameterStore ps, Block block, NDArray x, boolean training) {
        return block.forward(ps, new NDList(x), training).singletonOrThrow();
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        long n = inputShapes[0].get(0);
        int s = config.inputSize();
        Shape latent = new Shape(n, config.latentDim());
        return new Shape[] {new Shape(n, config.numChannels(), s, s), latent, latent};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        encoder.initialize(manager, dataType, inputShapes[0]);
        mu.initialize(manager, dataType, new Shape(1, flat));
        logvar.initialize(manager, dataType, new Shape(1, flat));
        decoder.initialize(manager, dataType, new Shape(1, config.latentDim()));
    }

    /** Initialises every parameter on {@code manager} for the config's input; seed the engine first. */
    public void initialize(NDManager manager) {
        int s = config.inputSize();
        initialize(manager, DataType.FLOAT32, new Shape(1, config.numChannels(), s, s),
                new Shape(1, config.latentDim()));
    }

    /**
     * Every parameter by its stable name, in order: {@code encoder.conv<i>.weight/bias}, {@code mu.weight/bias},
     * {@code logvar.weight/bias}, {@code decoder.linear.weight/bias}, {@code decoder.deconv<i>.weight/bias}.
     */
    public Map<String, Parameter> namedParameters() {
        Map<String, Parameter> out = new LinkedHashMap<>();
        encoder.collectParameters("encoder", out);
        collectHead(mu, "mu", out);
        collectHead(logvar, "logvar", out);
        decoder.collectParameters("decoder", out);
        return out;
    }

    private static void collectHead(Linear head, String prefix, Map<String, Parameter> out) {
        for (var pair : head.getParameters()) {
            String name = switch (pair.getValue().getType()) {
                case WEIGHT -> "weight";
                case BIAS -> "bias";
                default -> throw new IllegalStateException("unexpected parameter " + pair.getKey() + " in " + prefix);
            };
            out.put(prefix + "." + name, pair.getValue());
        }
    }

    /** Trained scalars of the parameters whose name starts with {@code prefix} ({@code ""}: all). */
    public long trainableParameterCount(String prefix) {
        return NamedParameters.trainableScalars(namedParameters(), prefix);
    }

    /** The config it was built from. */
    public VaeConfig config() {
        return config;
    }
}
