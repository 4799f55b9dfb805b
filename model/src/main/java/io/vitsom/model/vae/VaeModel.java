package io.vitsom.model.vae;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vitsom.model.checkpoint.CodeVersion;
import io.vitsom.model.checkpoint.CorruptCheckpointException;
import io.vitsom.model.config.ConfigException;
import io.vitsom.model.io.ParameterFolder;
import io.vitsom.model.nn.Autograd;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.Random;

/**
 * The trained (or training) VAE baseline: reconstructs images through the posterior mean and generates images by
 * decoding {@code z ~ N(0, I)}. Saved as a {@link ParameterFolder}: {@code config.yaml}, {@code params/*.npy} and a
 * {@code manifest.json} with the seed, the code version and the caller's provenance.
 *
 * <p>Inference runs with autograd off in chunks of {@value #CHUNK} images, each in its own {@link NDScope}. Owns a
 * sub-manager of the manager it was created or loaded with; close it when done. Not thread-safe.
 */
public final class VaeModel implements AutoCloseable {
    /** Format tag of the manifest. */
    public static final String FORMAT = "vitsom-vae/1";
    /** Images per inference forward pass. */
    static final int CHUNK = 256;
    private static final String CONFIG_FILE = "config.yaml";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final VaeNet net;
    private final NDManager manager;
    private final ParameterStore parameterStore;
    private final long seed;

    private VaeModel(VaeNet net, NDManager manager, long seed) {
        this.net = net;
        this.manager = manager;
        this.parameterStore = new ParameterStore(manager, false);
        this.seed = seed;
    }

    /**
     * A freshly initialised model whose weights are a function of {@code seed} (it seeds the engine's RNG), on a
     * sub-manager of {@code manager}.
     */
    public static VaeModel create(VaeConfig config, NDManager manager, long seed) {
        Objects.requireNonNull(config, "config");
        NDManager own = Objects.requireNonNull(manager, "manager").newSubManager();
        try {
            Engine.getInstance().setRandomSeed((int) seed);
            VaeNet net = new VaeNet(config);
            net.initialize(own);
            return new VaeModel(net, own, seed);
        } catch (RuntimeException e) {
            own.close();
            throw e;
        }
    }

    /**
     * Reconstructions of {@code count} images ({@code [count, C, S, S]} floats in [0, 1]): each decoded from its
     * posterior mean, so deterministic. Row-major {@code [count, C, S, S]}.
     *
     * @throws IllegalArgumentException when {@code images} does not hold {@code count} images of the config's input
     */
    public float[] reconstruct(float[] images, int count) {
        requireImages(images, count);
        int per = config().imageFloats();
        float[] out = new float[count * per];
        for (int start = 0; start < count; start += CHUNK) {
            int n = Math.min(CHUNK, count - start);
            try (NDScope scope = new NDScope(); Autograd off = Autograd.off()) {
                scope.suppressNotUsedWarning();
                NDArray x = manager.create(Arrays.copyOfRange(images, start * per, (start + n) * per), imageShape(n));
                NDArray mean = net.encode(parameterStore, x, false).get(0);
                float[] y = net.decode(parameterStore, mean, false).toFloatArray();
                System.arraycopy(y, 0, out, start * per, y.length);
            }
        }
        return out;
    }

    /**
     * {@code count} generated images, each decoded from {@code z ~ N(0, I)} drawn from {@code random} (the same
     * draws give the same images): one row of {@code C * S * S} floats in [0, 1] per image.
     */
    public float[][] sample(int count, Random random) {
        Objects.requireNonNull(random, "random");
        if (count < 0) {
            throw new IllegalArgumentException("count must be >= 0, got " + count);
        }
        int latent = config().latentDim();
        float[][] out = new float[count][];
        for (int start = 0; start < count; start += CHUNK) {
            int n = Math.min(CHUNK, count - start);
            float[] z = new float[n * latent];
            for (int i = 0; i < z.length; i++) {
                z[i] = (float) random.nextGaussian();
            }
            try (NDScope scope = new NDScope(); Autograd off = Autograd.off()) {
                scope.suppressNotUsedWarning();
                float[] y = net.decode(parameterStore, manager.create(z, new Shape(n, latent)), false).toFloatArray();
                int per = config().imageFloats();
                for (int i = 0; i < n; i++) {
                    out[start + i] = Arrays.copyOfRange(y, i * per, (i + 1) * per);
                }
            }
        }
        return out;
    }

    /**
     * Saves the model to {@code dir} (replacing it): {@code config.yaml}, {@code params/<name>.npy} and
     * {@code manifest.json} with format, model_arch, seed, parameter count, code version, time, the config and
     * {@code provenance} (the caller's: dataset, epochs, ...; null records an empty object).
     */
    public void save(Path dir, JsonNode provenance) throws IOException {
        ObjectNode manifest = JSON.createObjectNode();
        manifest.put("format", FORMAT);
        manifest.put("model_arch", VaeConfig.MODEL_ARCH);
        manifest.put("seed", seed);
        manifest.put("trainable_parameters", trainableParameterCount());
        manifest.put("code_version", CodeVersion.describe());
        manifest.put("created", Instant.now().toString());
        manifest.set("config", config().toTree());
        manifest.set("provenance", provenance == null ? JSON.createObjectNode() : provenance.deepCopy());
        ParameterFolder.write(dir, namedParameters(), Map.of(CONFIG_FILE, config().toYaml()), manifest);
    }

    /**
     * Loads what {@link #save} wrote, on a sub-manager of {@code manager}.
     *
     * @throws java.nio.file.NoSuchFileException when {@code dir} does not exist
     * @throws CorruptCheckpointException when it fails its manifest, is of another format, holds an invalid config
     *     or a parameter of the wrong shape
     */
    public static VaeModel load(Path dir, NDManager manager) throws IOException {
        JsonNode manifest = ParameterFolder.verify(dir);
        if (!FORMAT.equals(manifest.path("format").asText())) {
            throw new CorruptCheckpointException(dir, "format is '" + manifest.path("format").asText() + "', expected "
                    + FORMAT);
        }
        Path configFile = dir.resolve(CONFIG_FILE);
        if (!Files.isRegularFile(configFile)) {
            throw new CorruptCheckpointException(dir, CONFIG_FILE + " is missing");
        }
        VaeConfig config;
        try {
            config = VaeConfig.parse(Files.readString(configFile), configFile.toString());
        } catch (ConfigException e) {
            throw new CorruptCheckpointException(dir, CONFIG_FILE + " is invalid: " + e.getMessage(), e);
        }
        VaeModel model = create(config, manager, manifest.path("seed").asLong());
        try {
            ParameterFolder.readParameters(dir, model.namedParameters());
        } catch (IOException | RuntimeException e) {
            model.close();
            throw e;
        }
        return model;
    }

    /** The configuration. */
    public VaeConfig config() {
        return net.config();
    }

    /** The network. */
    public VaeNet net() {
        return net;
    }

    /** The manager that owns the parameters (the trainer puts its optimizer state there). */
    public NDManager manager() {
        return manager;
    }

    /** The seed the initial weights were drawn with. */
    public long seed() {
        return seed;
    }

    /** Every parameter by its stable name ({@link VaeNet#namedParameters}). */
    public Map<String, Parameter> namedParameters() {
        return net.namedParameters();
    }

    /** Trained scalars of the whole network. */
    public long trainableParameterCount() {
        return net.trainableParameterCount("");
    }

    @Override
    public void close() {
        manager.close();
    }

    Shape imageShape(int n) {
        int s = config().inputSize();
        return new Shape(n, config().numChannels(), s, s);
    }

    void requireImages(float[] images, int count) {
        config().data().requireImages(images, count);
    }
}
