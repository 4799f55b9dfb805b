package io.vitsom.model.gensom;

import static io.vitsom.model.config.ConfigException.require;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vitsom.model.config.AdamSection;
import io.vitsom.model.config.ConfigException;
import io.vitsom.model.config.ConfigNode;
import io.vitsom.model.config.ConfigYaml;
import io.vitsom.model.config.DataSection;
import io.vitsom.model.map.MapModelConfig;
import io.vitsom.model.nn.ConvEncoder;
import io.vitsom.model.som.SomGrid;
import io.vitsom.model.som.Topology;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Objects;

/**
 * The immutable, validated configuration of one Gen-SOM-Attn model and its training run (seed paper 004): a
 * convolutional encoder, self-attention, a latent of {@code latent_dim}, a Kohonen SOM of {@code map_size}
 * prototypes in that latent, updated by the classic competitive rule, and a convolutional decoder.
 *
 * <p>Read it with {@link #parse} or {@link #load}: strict, so an unknown key, a missing key or a value of the wrong
 * type fails at load time with a {@link ConfigException} naming the dotted key. Constructing it directly validates
 * every field and cross-field constraint, naming the key. The YAML layout, with what the seed says and what is a
 * choice of this implementation:
 *
 * <pre>
 * hyperparameters:
 *   model_arch: gen_som_attn
 *   total_epochs: 20             # seed
 *   batch_size: 64               # seed
 *   latent_dim: 32               # seed: width of v_attn and of every prototype
 *   decoder_training: both       # choice: latent | prototype | both (below)
 *   encoder:
 *     widths: [32, 64]           # choice: conv 4x4 stride 2 + ReLU per width (28 -> 14 -> 7)
 *   attention:
 *     over: spatial              # choice: spatial | latent (below)
 *     heads: 4                   # choice: must divide the token width
 *     readout: flatten           # choice (spatial only): flatten | mean, the tokens to the Linear to latent_dim
 *   decoder:
 *     widths: [64, 32]           # choice: Linear to 64x7x7, then a 4x4 stride-2 transposed conv per width
 *   som:
 *     map_size: [12, 12]         # seed: rows, cols; square lattice, no wrap
 *     eta_start: 0.5             # choice: Kohonen learning rate eta(t), exponential decay ...
 *     eta_end: 0.01              #   ... from start at step 0 to end at the last step, then held
 *     sigma_start: 6.0           # choice: Gaussian neighbourhood radius sigma(t) in grid units, same decay
 *     sigma_end: 0.5
 *     init: first_batch          # choice: first_batch | normal (below)
 *     init_noise: 0.01           # choice: standard deviation of the initial noise
 *   optimizer:
 *     type: adam                 # seed: Adam, lr 1e-3; betas PyTorch's defaults
 *     learning_rate: 0.001
 *     beta_1: 0.9
 *     beta_2: 0.999
 * data:
 *   dataset: fashion-mnist       # seed
 *   num_classes: 0               # never reads labels
 *   num_channels: 1
 *   input_size: 28
 * </pre>
 *
 * <p>The choices the seed leaves open:
 * <ul>
 *   <li>{@code attention.over}: the seed applies "a self-attention mechanism" to "the latent vector v" without
 *       saying what the tokens are. {@code spatial} (default) attends over the spatial positions of the encoder's last
 *       feature map (7 x 7 = 49 tokens of 64 channels), multi-head self-attention with a residual and a LayerNorm,
 *       then {@code readout} ({@code flatten}: all tokens in order, which keeps where each feature is;
 *       {@code mean}: their average) and a Linear to {@code latent_dim}. {@code latent} is the literal reading: a
 *       Linear from the flattened feature map to {@code v} ({@code latent_dim}), split into {@code latent_tokens}
 *       tokens of {@code latent_dim / latent_tokens}, self-attention with residual and LayerNorm, joined back into
 *       {@code v_attn}.
 *   <li>{@code decoder_training}: the seed decodes the BMU's prototype, {@code x^ = D(w_bmu)}, and trains the
 *       autoencoder on that MSE; but the prototype carries no gradient to the encoder (the SOM is not trained by
 *       gradient). {@code latent} trains on {@code MSE(x, D(v_attn))}; {@code prototype} on
 *       {@code MSE(x, D(st(w_bmu)))} where {@code st} is the straight-through estimator of VQ-VAE (the forward pass
 *       uses {@code w_bmu}, the backward pass hands the gradient to {@code v_attn}); {@code both} (default) on the
 *       sum, so the decoder learns the prototypes it will generate from and the encoder still gets an exact gradient.
 *       Reconstructions at evaluation are {@code D(w_bmu)} whatever this says.
 *   <li>{@code som.init}: the seed does not say. {@code first_batch} (default) sets each prototype, at the first
 *       training step, to the latent of an image of that batch drawn at random plus {@code N(0, init_noise^2)}, so
 *       the codebook starts where the latents are, whatever their scale; {@code normal} keeps the
 *       {@code N(0, init_noise^2)} draw every codebook starts with.
 *   <li>{@code eta} and {@code sigma}: the seed names {@code eta(t)} and {@code h_ij(t)} without values; both decay
 *       exponentially over the run ({@link CompetitiveSchedule}), {@code h} is the Gaussian
 *       {@code exp(-d^2 / (2 sigma^2))} of the grid distance {@code d} between unit {@code i} and the BMU.
 * </ul>
 *
 * @param modelArch always {@code gen_som_attn}
 * @param totalEpochs epochs of the offline schedule
 * @param batchSize images per step
 * @param latentDim width of the latent and of every prototype
 * @param decoderTraining what the decoder decodes in training
 * @param encoder the convolutional encoder
 * @param attention the self-attention and the projection to the latent
 * @param decoder the convolutional decoder
 * @param som the Kohonen map and its schedules
 * @param optimizer Adam
 * @param data the input
 */
public record GenSomConfig(
        String modelArch, int totalEpochs, int batchSize, int latentDim, DecoderTraining decoderTraining,
        Encoder encoder, Attention attention, Decoder decoder, Som som, AdamSection optimizer, DataSection data)
        implements MapModelConfig {

    /** The only {@code hyperparameters.model_arch} of this record. */
    public static final String MODEL_ARCH = "gen_som_attn";

    /** {@code hyperparameters.decoder_training}: what the decoder decodes in a training step. */
    public enum DecoderTraining {
        /** {@code MSE(x, D(v_attn))}. */
        LATENT("latent"),
        /** {@code MSE(x, D(st(w_bmu)))}, straight-through to {@code v_attn}. */
        PROTOTYPE("prototype"),
        /** The sum of both. */
        BOTH("both");

        private final String configName;

        DecoderTraining(String configName) {
            this.configName = configName;
        }

        /** The name in YAML. */
        public String configName() {
            return configName;
        }

        /** Whether the loss has the {@code D(v_attn)} term. */
        public boolean decodesLatent() {
            return this != PROTOTYPE;
        }

        /** Whether the loss has the {@code D(st(w_bmu))} term. */
        public boolean decodesPrototype() {
            return this != LATENT;
        }

        /** Parses the YAML name. */
        public static DecoderTraining fromConfig(String name) {
            for (DecoderTraining d : values()) {
                if (d.configName.equals(name)) {
                    return d;
                }
            }
            throw new IllegalArgumentException("must be latent, prototype or both, got '" + name + "'");
        }
    }

    /**
     * {@code hyperparameters.encoder}.
     *
     * @param widths channels of each stride-2 stage
     */
    public record Encoder(List<Integer> widths) {
        public Encoder {
            widths = positiveWidths(widths, "hyperparameters.encoder.widths");
        }

        /** Channels of the last feature map. */
        public int outChannels() {
            return widths.get(widths.size() - 1);
        }
    }

    /** {@code hyperparameters.attention.over}: what the self-attention attends over. */
    public enum AttentionInput {
        /** The spatial positions of the encoder's last feature map. */
        SPATIAL("spatial"),
        /** Equal chunks of the latent vector {@code v}. */
        LATENT("latent");

        private final String configName;

        AttentionInput(String configName) {
            this.configName = configName;
        }

        /** The name in YAML. */
        public String configName() {
            return configName;
        }

        /** Parses the YAML name. */
        public static AttentionInput fromConfig(String name) {
            for (AttentionInput a : values()) {
                if (a.configName.equals(name)) {
                    return a;
                }
            }
            throw new IllegalArgumentException("must be spatial or latent, got '" + name + "'");
        }
    }

    /** {@code hyperparameters.attention.readout}: how spatial tokens become the Linear's input. */
    public enum Readout {
        /** All tokens in order, {@code tokens * channels} values. */
        FLATTEN("flatten"),
        /** The tokens' mean, {@code channels} values. */
        MEAN("mean");

        private final String configName;

        Readout(String configName) {
            this.configName = configName;
        }

        /** The name in YAML. */
        public String configName() {
            return configName;
        }

        /** Parses the YAML name. */
        public static Readout fromConfig(String name) {
            for (Readout r : values()) {
                if (r.configName.equals(name)) {
                    return r;
                }
            }
            throw new IllegalArgumentException("must be flatten or mean, got '" + name + "'");
        }
    }

    /**
     * {@code hyperparameters.attention}.
     *
     * @param over what the attention attends over
     * @param heads attention heads; divide the token width
     * @param readout for {@code spatial}: how the tokens reach the Linear to the latent; null for {@code latent}
     * @param latentTokens for {@code latent}: tokens the latent is split into; 0 for {@code spatial}
     */
    public record Attention(AttentionInput over, int heads, Readout readout, int latentTokens) {
        public Attention {
            Objects.requireNonNull(over, "over");
            require(heads > 0, "hyperparameters.attention.heads", "must be > 0, got " + heads);
            if (over == AttentionInput.SPATIAL) {
                require(readout != null, "hyperparameters.attention.readout", "missing");
                require(latentTokens == 0, "hyperparameters.attention.latent_tokens",
                        "does not apply to attention over spatial tokens: remove it");
            } else {
                require(readout == null, "hyperparameters.attention.readout",
                        "does not apply to attention over the latent: remove it");
                require(latentTokens > 0, "hyperparameters.attention.latent_tokens", "must be > 0, got " + latentTokens);
            }
        }

        /** Spatial attention with the given heads and readout. */
        public static Attention spatial(int heads, Readout readout) {
            return new Attention(AttentionInput.SPATIAL, heads, readout, 0);
        }

        /** Attention over {@code tokens} chunks of the latent. */
        public static Attention latent(int heads, int tokens) {
            return new Attention(AttentionInput.LATENT, heads, null, tokens);
        }
    }

    /**
     * {@code hyperparameters.decoder}.
     *
     * @param widths channels of the feature maps in decoder order; one stride-2 transposed conv per width
     */
    public record Decoder(List<Integer> widths) {
        public Decoder {
            widths = positiveWidths(widths, "hyperparameters.decoder.widths");
        }
    }

    /** {@code hyperparameters.som.init}: where the prototypes start. */
    public enum CodebookInit {
        /** A random latent of the first training batch plus noise, per unit. */
        FIRST_BATCH("first_batch"),
        /** {@code N(0, init_noise^2)}. */
        NORMAL("normal");

        private final String configName;

        CodebookInit(String configName) {
            this.configName = configName;
        }

        /** The name in YAML. */
        public String configName() {
            return configName;
        }

        /** Parses the YAML name. */
        public static CodebookInit fromConfig(String name) {
            for (CodebookInit c : values()) {
                if (c.configName.equals(name)) {
                    return c;
                }
            }
            throw new IllegalArgumentException("must be first_batch or normal, got '" + name + "'");
        }
    }

    /**
     * {@code hyperparameters.som}.
     *
     * @param rows map rows
     * @param cols map columns
     * @param etaStart Kohonen learning rate at step 0, in (0, 1]
     * @param etaEnd Kohonen learning rate at the last step, in (0, etaStart]
     * @param sigmaStart neighbourhood radius at step 0 in grid units, > 0
     * @param sigmaEnd neighbourhood radius at the last step, in (0, sigmaStart]
     * @param init where the prototypes start
     * @param initNoise standard deviation of the initial noise, >= 0
     */
    public record Som(int rows, int cols, double etaStart, double etaEnd, double sigmaStart, double sigmaEnd,
                      CodebookInit init, double initNoise) {
        public Som {
            Objects.requireNonNull(init, "init");
            require(rows > 0 && cols > 0, "hyperparameters.som.map_size", "must be positive, got " + rows + "x" + cols);
            require(etaStart > 0 && etaStart <= 1, "hyperparameters.som.eta_start", "must be in (0, 1], got " + etaStart);
            require(etaEnd > 0 && etaEnd <= etaStart, "hyperparameters.som.eta_end",
                    "must be in (0, eta_start], got " + etaEnd);
            require(sigmaStart > 0 && Double.isFinite(sigmaStart), "hyperparameters.som.sigma_start",
                    "must be finite and > 0, got " + sigmaStart);
            require(sigmaEnd > 0 && sigmaEnd <= sigmaStart, "hyperparameters.som.sigma_end",
                    "must be in (0, sigma_start], got " + sigmaEnd);
            require(initNoise >= 0 && Double.isFinite(initNoise), "hyperparameters.som.init_noise",
                    "must be finite and >= 0, got " + initNoise);
        }

        /** Units on the map. */
        public int units() {
            return rows * cols;
        }
    }

    public GenSomConfig {
        Objects.requireNonNull(decoderTraining, "decoderTraining");
        Objects.requireNonNull(encoder, "encoder");
        Objects.requireNonNull(attention, "attention");
        Objects.requireNonNull(decoder, "decoder");
        Objects.requireNonNull(som, "som");
        Objects.requireNonNull(optimizer, "optimizer");
        Objects.requireNonNull(data, "data");
        require(MODEL_ARCH.equals(modelArch), "hyperparameters.model_arch",
                "must be " + MODEL_ARCH + ", got '" + modelArch + "'");
        require(totalEpochs > 0, "hyperparameters.total_epochs", "must be > 0, got " + totalEpochs);
        require(batchSize > 0, "hyperparameters.batch_size", "must be > 0, got " + batchSize);
        require(latentDim > 0, "hyperparameters.latent_dim", "must be > 0, got " + latentDim);
        requireSide(data.inputSize(), encoder.widths().size(), "hyperparameters.encoder.widths");
        requireSide(data.inputSize(), decoder.widths().size(), "hyperparameters.decoder.widths");
        if (attention.over() == AttentionInput.SPATIAL) {
            require(encoder.outChannels() % attention.heads() == 0, "hyperparameters.attention.heads",
                    attention.heads() + " heads must divide the token width " + encoder.outChannels()
                            + " (the last encoder width)");
        } else {
            require(latentDim % attention.latentTokens() == 0, "hyperparameters.attention.latent_tokens",
                    "must divide latent_dim " + latentDim + ", got " + attention.latentTokens());
            require((latentDim / attention.latentTokens()) % attention.heads() == 0, "hyperparameters.attention.heads",
                    attention.heads() + " heads must divide the token width " + latentDim / attention.latentTokens());
        }
    }

    /** Loads and validates a YAML config file. */
    public static GenSomConfig load(Path file) throws IOException {
        return parse(ConfigNode.readFile(file), file.toString());
    }

    /** Parses and validates YAML (or JSON) text; {@code source} names it in error messages. */
    public static GenSomConfig parse(String text, String source) {
        ConfigNode root = ConfigNode.parse(text, source);
        ConfigNode hp = root.object("hyperparameters");
        ConfigNode enc = hp.object("encoder");
        ConfigNode att = hp.object("attention");
        ConfigNode dec = hp.object("decoder");
        ConfigNode somNode = hp.object("som");
        ConfigNode opt = hp.object("optimizer");
        ConfigNode dataNode = root.object("data");
        List<Integer> mapSize = somNode.intList("map_size", 2);
        Som som = new Som(mapSize.get(0), mapSize.get(1), somNode.number("eta_start"), somNode.number("eta_end"),
                somNode.number("sigma_start"), somNode.number("sigma_end"),
                somNode.value("init", CodebookInit::fromConfig), somNode.number("init_noise"));
        AdamSection optimizer = AdamSection.parse(opt);
        DataSection data = DataSection.parse(dataNode);
        GenSomConfig config = new GenSomConfig(hp.string("model_arch"), hp.integer("total_epochs"),
                hp.integer("batch_size"), hp.integer("latent_dim"),
                hp.value("decoder_training", DecoderTraining::fromConfig), new Encoder(enc.intList("widths")),
                attention(att), new Decoder(dec.intList("widths")), som, optimizer, data);
        for (ConfigNode n : List.of(enc, att, dec, somNode, opt, dataNode, hp, root)) {
            n.rejectUnknown();
        }
        return config;
    }

    private static Attention attention(ConfigNode att) {
        AttentionInput over = att.value("over", AttentionInput::fromConfig);
        int heads = att.integer("heads");
        return switch (over) {
            case SPATIAL -> {
                rejectFor(att, over, "latent_tokens");
                yield Attention.spatial(heads, att.value("readout", Readout::fromConfig));
            }
            case LATENT -> {
                rejectFor(att, over, "readout");
                yield Attention.latent(heads, att.integer("latent_tokens"));
            }
        };
    }

    private static void rejectFor(ConfigNode att, AttentionInput over, String key) {
        if (att.has(key)) {
            throw new ConfigException(att.path(key), "does not apply to attention over " + over.configName()
                    + ": remove it");
        }
    }

    /** The config as a tree in its YAML layout (checkpoints, JSON exports and {@link #toYaml}). */
    @Override
    public ObjectNode toTree() {
        var att = new LinkedHashMap<String, Object>();
        att.put("over", attention.over().configName());
        att.put("heads", attention.heads());
        if (attention.over() == AttentionInput.SPATIAL) {
            att.put("readout", attention.readout().configName());
        } else {
            att.put("latent_tokens", attention.latentTokens());
        }
        var somTree = new LinkedHashMap<String, Object>();
        somTree.put("map_size", List.of(som.rows(), som.cols()));
        somTree.put("eta_start", som.etaStart());
        somTree.put("eta_end", som.etaEnd());
        somTree.put("sigma_start", som.sigmaStart());
        somTree.put("sigma_end", som.sigmaEnd());
        somTree.put("init", som.init().configName());
        somTree.put("init_noise", som.initNoise());
        var hp = new LinkedHashMap<String, Object>();
        hp.put("model_arch", modelArch);
        hp.put("total_epochs", totalEpochs);
        hp.put("batch_size", batchSize);
        hp.put("latent_dim", latentDim);
        hp.put("decoder_training", decoderTraining.configName());
        hp.put("encoder", java.util.Map.of("widths", encoder.widths()));
        hp.put("attention", att);
        hp.put("decoder", java.util.Map.of("widths", decoder.widths()));
        hp.put("som", somTree);
        hp.put("optimizer", optimizer.toTree());
        return ConfigYaml.tree(hp, data.toTree());
    }

    /** The config as YAML text; {@link #parse} (and {@code MapModels.parse}) reads it back equal. */
    @Override
    public String toYaml() {
        return ConfigYaml.write(toTree());
    }

    @Override
    public String dataset() {
        return data.dataset();
    }

    @Override
    public int numChannels() {
        return data.numChannels();
    }

    @Override
    public int inputSize() {
        return data.inputSize();
    }

    /** The map's units on a square lattice without wrap-around (the neighbourhood is the grid distance). */
    @Override
    public SomGrid grid() {
        return new SomGrid(som.rows(), som.cols(), Topology.SQUARE);
    }

    /** Units on the map. */
    public int units() {
        return som.units();
    }

    /** Same latent, encoder, attention, decoder and map; the schedules, init, loss and optimizer may differ. */
    @Override
    public boolean sameNetwork(MapModelConfig other) {
        return other instanceof GenSomConfig g && latentDim == g.latentDim() && encoder.equals(g.encoder())
                && attention.equals(g.attention()) && decoder.equals(g.decoder())
                && MapModelConfig.super.sameNetwork(other);
    }

    @Override
    public GenSomConfig withTotalEpochs(int epochs) {
        return new GenSomConfig(modelArch, epochs, batchSize, latentDim, decoderTraining, encoder, attention, decoder,
                som, optimizer, data);
    }

    @Override
    public GenSomConfig withBatchSize(int batch) {
        return new GenSomConfig(modelArch, totalEpochs, batch, latentDim, decoderTraining, encoder, attention, decoder,
                som, optimizer, data);
    }

    private static List<Integer> positiveWidths(List<Integer> widths, String key) {
        require(widths != null && !widths.isEmpty(), key, "must name at least one stage");
        List<Integer> copy = List.copyOf(widths);
        for (int w : copy) {
            require(w > 0, key, "must be positive, got " + copy);
        }
        return copy;
    }

    private static void requireSide(int inputSize, int stages, String key) {
        try {
            ConvEncoder.outSide(inputSize, stages);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(key, stages + " stride-2 stages do not fit data.input_size " + inputSize + ": "
                    + e.getMessage());
        }
    }
}
