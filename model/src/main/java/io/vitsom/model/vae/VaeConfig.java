package io.vitsom.model.vae;

import static io.vitsom.model.config.ConfigException.require;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vitsom.model.config.AdamSection;
import io.vitsom.model.config.ConfigException;
import io.vitsom.model.config.ConfigNode;
import io.vitsom.model.config.ConfigYaml;
import io.vitsom.model.config.DataSection;
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
                        AdamSection optimizer, DataSection data) {

    /** The only {@code hyperparameters.model_arch} of this record. */
    public static final String MODEL_ARCH = "vae";

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
        AdamSection optimizer = AdamSection.parse(opt);
        DataSection data = DataSection.parse(dataNode);
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
        var hp = new LinkedHashMap<String, Object>();
        hp.put("model_arch", modelArch);
        hp.put("total_epochs", totalEpochs);
        hp.put("batch_size", batchSize);
        hp.put("latent_dim", latentDim);
        hp.put("beta", beta);
        hp.put("reconstruction", reconstruction.configName());
        hp.put("encoder", Map.of("widths", encoderWidths));
        hp.put("decoder", Map.of("widths", decoderWidths));
        hp.put("optimizer", optimizer.toTree());
        return ConfigYaml.tree(hp, data.toTree());
    }

    /** The config as YAML text; {@link #parse} reads it back equal. */
    public String toYaml() {
        return ConfigYaml.write(toTree());
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
        return data.imageFloats();
    }

    /** The encoder widths as the array {@code ConvEncoder} takes. */
    int[] encoderWidthArray() {
        return encoderWidths.stream().mapToInt(Integer::intValue).toArray();
    }

    /** The decoder widths as the array {@code ConvDecoder} takes. */
    int[] decoderWidthArray() {
        return decoderWidths.stream().mapToInt(Integer::intValue).toArray();
    }
}
