package io.vitsom.model.vae;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.vitsom.model.config.ConfigException;
import io.vitsom.model.config.ConfigNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The immutable, validated configuration of the VAE baseline (Kingma and Welling 2014) that seed 004 compares
 * Gen-SOM-Attn with: a convolutional encoder, linear heads for the posterior's mean and log-variance, and a
 * convolutional decoder, trained with Adam on {@code reconstruction + beta * KL}. It is not a map model (no grid).
 *
 * <p>Read it with {@link #parse} or {@link #load}: strict, so an unknown key, a missing key or a value of the wrong
 * type fails with a {@link ConfigException} naming the dotted key; the constructors validate every field and the
 * fit of the widths to the input size. The YAML layout:
 *
 * <pre>
 * hyperparameters:
 *   model_arch: vae
 *   total_epochs: 20
 *   batch_size: 64
 *   latent_dim: 32
 *   beta: 1.0                # weight of the KL term
 *   reconstruction: bce      # bce | mse, summed over an image's pixels, averaged over the batch
 *   encoder:
 *     widths: [32, 64]       # one stride-2 conv per width
 *   decoder:
 *     widths: [64, 32]       # one stride-2 transposed conv per width, in decoder order
 *   optimizer:
 *     type: adam
 *     learning_rate: 0.001
 *     beta_1: 0.9
 *     beta_2: 0.999
 * data:
 *   dataset: fashion-mnist
 *   num_classes: 0
 *   num_channels: 1
 *   input_size: 28
 * </pre>
 *
 * @param modelArch always {@code vae}
 * @param totalEpochs epochs of an offline run
 * @param batchSize images per step
 * @param latentDim width of the latent
 * @param beta weight of the KL term ({@code 1}: the evidence lower bound)
 * @param reconstruction the reconstruction term
 * @param encoderWidths channels of the encoder's stages
 * @param decoderWidths channels of the decoder's stages, in decoder order
 * @param optimizer Adam's settings
 * @param data the input
 */
public record VaeConfig(String modelArch, int totalEpochs, int batchSize, int latentDim, double beta,
                        Reconstruction reconstruction, List<Integer> encoderWidths, List<Integer> decoderWidths,
                        Optimizer optimizer, Data data) {

    /** The only {@code hyperparameters.model_arch} of this record. */
    public static final String MODEL_ARCH = "vae";

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * The reconstruction term ({@code hyperparameters.reconstruction}), summed over the pixels of an image so that
     * it is on the scale of the KL term (a sum over latent dimensions) and averaged over the batch.
     */
    public enum Reconstruction {
        /**
         * {@code bce}: binary cross-entropy of the decoder's (0, 1) output against pixels in [0, 1], the negative
         * log-likelihood of a Bernoulli decoder and the usual choice for MNIST-like images (Kingma and Welling's,
         * PyTorch's VAE example). The default.
         */
        BCE("bce"),
        /** {@code mse}: squared error, a Gaussian decoder of unit variance up to constants. */
        MSE("mse");

        private final String configName;

        Reconstruction(String configName) {
            this.configName = configName;
        }

        /** The name in YAML. */
        public String configName() {
            return configName;
        }

        /** Parses the YAML name. */
        public static Reconstruction fromConfig(String name) {
            for (Reconstruction r : values()) {
                if (r.configName.equals(name)) {
                    return r;
                }
            }
            throw new IllegalArgumentException("must be bce or mse, got '" + name + "'");
        }
    }

    /**
     * Settings of {@code hyperparameters.optimizer}: Adam at a constant learning rate.
     *
     * @param type always {@code adam}
     * @param learningRate > 0
     * @param beta1 first-moment decay in [0, 1)
     * @param beta2 second-moment decay in [0, 1)
     */
    public record Optimizer(String type, double learningRate, double beta1, double beta2) {
        public Optimizer {
            require("adam".equals(type), "hyperparameters.optimizer.type", "must be adam, got '" + type + "'");
            require(learningRate > 0 && Double.isFinite(learningRate), "hyperparameters.optimizer.learning_rate",
                    "must be finite and > 0, got " + learningRate);
            require(beta1 >= 0 && beta1 < 1, "hyperparameters.optimizer.beta_1", "must be in [0, 1), got " + beta1);
            require(beta2 >= 0 && beta2 < 1, "hyperparameters.optimizer.beta_2", "must be in [0, 1), got " + beta2);
        }
    }

    /**
     * Settings of {@code data}.
     *
     * @param dataset the dataset the config was written for
     * @param numClasses classes of its labels (0: the VAE never reads labels)
     * @param numChannels 1 or 3
     * @param inputSize side of the square images
     */
    public record Data(String dataset, int numClasses, int numChannels, int inputSize) {
        public Data {
            require(dataset != null && !dataset.isBlank(), "data.dataset", "must not be empty");
            require(numClasses >= 0, "data.num_classes", "must be >= 0, got " + numClasses);
            require(numChannels == 1 || numChannels == 3, "data.num_channels", "must be 1 or 3, got " + numChannels);
            require(inputSize > 0, "data.input_size", "must be > 0, got " + inputSize);
        }
    }

    public VaeConfig {
        Objects.requireNonNull(reconstruction, "reconstruction");
        Objects.requireNonNull(optimizer, "optimizer");
        Objects.requireNonNull(data, "data");
        encoderWidths = List.copyOf(encoderWidths);
        decoderWidths = List.copyOf(decoderWidths);
        require(MODEL_ARCH.equals(modelArch), "hyperparameters.model_arch", "must be vae, got '" + modelArch + "'");
        require(totalEpochs > 0, "hyperparameters.total_epochs", "must be > 0, got " + totalEpochs);
        require(batchSize > 0, "hyperparameters.batch_size", "must be > 0, got " + batchSize);
        require(latentDim > 0, "hyperparameters.latent_dim", "must be > 0, got " + latentDim);
        require(beta >= 0 && Double.isFinite(beta), "hyperparameters.beta", "must be finite and >= 0, got " + beta);
        requireWidths(encoderWidths, "hyperparameters.encoder.widths", data.inputSize());
        requireWidths(decoderWidths, "hyperparameters.decoder.widths", data.inputSize());
    }

    /** Each stage halves (encoder) or doubles (decoder) the side, so the side must be a multiple of 2^stages. */
    private static void requireWidths(List<Integer> widths, String key, int inputSize) {
        require(!widths.isEmpty(), key, "must name at least one stage");
        for (int w : widths) {
            require(w > 0, key, "must be positive, got " + widths);
        }
        int factor = 1 << Math.min(widths.size(), 30);
        require(inputSize % factor == 0, key, widths.size() + " stages need data.input_size to be a multiple of "
                + factor + ", got " + inputSize);
    }

    /** Loads and validates a YAML config file. */
    public static VaeConfig load(Path file) throws IOException {
        return parse(ConfigNode.readFile(file), file.toString());
    }

    /** Parses and validates YAML (or JSON) text; {@code source} names it in error messages. */
    public static VaeConfig parse(String text, String source) {
        ConfigNode root = ConfigNode.parse(text, source);
        ConfigNode hp = root.object("hyperparameters");
        ConfigNode encoder = hp.object("encoder");
        ConfigNode decoder = hp.object("decoder");
        ConfigNode opt = hp.object("optimizer");
        ConfigNode dataNode = root.object("data");
        Optimizer optimizer = new Optimizer(opt.string("type"), opt.number("learning_rate"), opt.number("beta_1"),
                opt.number("beta_2"));
        Data data = new Data(dataNode.string("dataset"), dataNode.integer("num_classes"),
                dataNode.integer("num_channels"), dataNode.integer("input_size"));
        VaeConfig config = new VaeConfig(hp.string("model_arch"), hp.integer("total_epochs"), hp.integer("batch_size"),
                hp.integer("latent_dim"), hp.number("beta"), hp.value("reconstruction", Reconstruction::fromConfig),
                encoder.intList("widths"), decoder.intList("widths"), optimizer, data);
        for (ConfigNode n : List.of(encoder, decoder, opt, dataNode, hp, root)) {
            n.rejectUnknown();
        }
        return config;
    }

    /** The config as a tree in its YAML layout (manifests and {@link #toYaml}). */
    public ObjectNode toTree() {
        var opt = new LinkedHashMap<String, Object>();
        opt.put("type", optimizer.type());
        opt.put("learning_rate", optimizer.learningRate());
        opt.put("beta_1", optimizer.beta1());
        opt.put("beta_2", optimizer.beta2());
        var hp = new LinkedHashMap<String, Object>();
        hp.put("model_arch", modelArch);
        hp.put("total_epochs", totalEpochs);
        hp.put("batch_size", batchSize);
        hp.put("latent_dim", latentDim);
        hp.put("beta", beta);
        hp.put("reconstruction", reconstruction.configName());
        hp.put("encoder", Map.of("widths", encoderWidths));
        hp.put("decoder", Map.of("widths", decoderWidths));
        hp.put("optimizer", opt);
        var dataTree = new LinkedHashMap<String, Object>();
        dataTree.put("dataset", data.dataset());
        dataTree.put("num_classes", data.numClasses());
        dataTree.put("num_channels", data.numChannels());
        dataTree.put("input_size", data.inputSize());
        var root = new LinkedHashMap<String, Object>();
        root.put("hyperparameters", hp);
        root.put("data", dataTree);
        return JSON.valueToTree(root);
    }

    /** The config as YAML text; {@link #parse} reads it back equal. */
    public String toYaml() {
        try {
            return YAML.writeValueAsString(toTree());
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialise config", e);
        }
    }

    /** Channels of the images. */
    public int numChannels() {
        return data.numChannels();
    }

    /** Side of the square images. */
    public int inputSize() {
        return data.inputSize();
    }

    /** Floats per image: {@code C * S * S}. */
    public int imageFloats() {
        return data.numChannels() * data.inputSize() * data.inputSize();
    }

    /** The encoder widths as the array {@code ConvEncoder} takes. */
    int[] encoderWidthArray() {
        return encoderWidths.stream().mapToInt(Integer::intValue).toArray();
    }

    /** The decoder widths as the array {@code ConvDecoder} takes. */
    int[] decoderWidthArray() {
        return decoderWidths.stream().mapToInt(Integer::intValue).toArray();
    }

    private static void require(boolean ok, String key, String problem) {
        if (!ok) {
            throw new ConfigException(key, problem);
        }
    }
}
