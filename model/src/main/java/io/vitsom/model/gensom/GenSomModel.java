package io.vitsom.model.gensom;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import io.vitsom.model.infer.Assignments;
import io.vitsom.model.map.MapModel;
import io.vitsom.model.map.PrototypeReseeding;
import io.vitsom.model.map.UnitSampler;
import io.vitsom.model.nn.Autograd;
import io.vitsom.model.train.TrainingSchedule;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Random;

/**
 * Gen-SOM-Attn as a {@link MapModel} and {@link UnitSampler}: an image's best-matching unit is the prototype nearest
 * to its latent {@code v_attn} (Euclidean distance, which is the assignment's distance); a unit's prototype is its
 * codebook row, its picture the decoded prototype {@code D(w_i)}, and its samples {@code D(w_i + eps)}
 * ({@link GenerationNoise}).
 *
 * <p>Inference runs the network with autograd off, in chunks of {@value #CHUNK} images, each in its own
 * {@link NDScope}. Bound to the {@link NDManager} that owns the parameters; not thread-safe.
 */
public final class GenSomModel implements MapModel, UnitSampler, PrototypeReseeding {
    /** Images (or latents) per inference forward pass. */
    static final int CHUNK = 256;

    private final GenSomNet net;
    private final KohonenCodebook codebook;
    private final NDManager manager;
    private final ParameterStore parameterStore;

    /**
     * @param net an initialised network
     * @param codebook the map, its width the net's latent
     * @param manager the manager that owns the parameters
     */
    public GenSomModel(GenSomNet net, KohonenCodebook codebook, NDManager manager) {
        this.net = Objects.requireNonNull(net, "net");
        this.codebook = Objects.requireNonNull(codebook, "codebook");
        this.manager = Objects.requireNonNull(manager, "manager");
        if (codebook.dim() != net.config().latentDim() || codebook.grid().units() != net.config().units()) {
            throw new IllegalArgumentException("codebook of " + codebook.grid().units() + " x " + codebook.dim()
                    + " does not fit the config's " + net.config().units() + " x " + net.config().latentDim());
        }
        this.parameterStore = new ParameterStore(manager, false);
    }

    /** A fresh model of {@code config}: network and codebook drawn from the engine's generator (seed it first). */
    public static GenSomModel create(GenSomConfig config, NDManager manager) {
        GenSomNet net = GenSomNet.builder().setConfig(config).build();
        net.initialize(manager);
        GenSomConfig.Som som = config.som();
        KohonenCodebook codebook = new KohonenCodebook(config.grid(), config.latentDim(), som.initNoise(),
                som.init() == GenSomConfig.CodebookInit.NORMAL, manager);
        return new GenSomModel(net, codebook, manager);
    }

    /** The network. */
    public GenSomNet net() {
        return net;
    }

    /** The Kohonen map. */
    public KohonenCodebook codebook() {
        return codebook;
    }

    /** The manager that owns the parameters. */
    public NDManager manager() {
        return manager;
    }

    @Override
    public GenSomConfig config() {
        return net.config();
    }

    /** The network's parameters, then {@code som.prototypes} and {@code som.initialised} (no gradient). */
    @Override
    public Map<String, Parameter> namedParameters() {
        Map<String, Parameter> out = new LinkedHashMap<>(net.namedParameters());
        out.put("som.prototypes", codebook.prototypes());
        out.put("som.initialised", codebook.initialised());
        return out;
    }

    /** The network's trained scalars; the codebook is not trained by gradient and is not counted. */
    @Override
    public long trainableParameterCount() {
        return net.trainableParameterCount();
    }

    @Override
    public Assignments assign(float[] images, int count) {
        return codebook.assign(latents(images, count), count);
    }

    /**
     * The latents {@code v_attn} of {@code count} images, row-major {@code [count, latent_dim]}.
     *
     * @throws IllegalArgumentException when {@code images} does not hold {@code count} images of the config's input
     */
    public float[] latents(float[] images, int count) {
        requireImages(images, count);
        int dim = config().latentDim();
        int per = config().imageFloats();
        int c = config().numChannels();
        int s = config().inputSize();
        float[] out = new float[count * dim];
        for (int start = 0; start < count; start += CHUNK) {
            int n = Math.min(CHUNK, count - start);
            try (NDScope scope = new NDScope(); Autograd off = Autograd.off()) {
                scope.suppressNotUsedWarning();
                NDArray x = manager.create(Arrays.copyOfRange(images, start * per, (start + n) * per),
                        new Shape(n, c, s, s));
                float[] v = net.forward(parameterStore, new NDList(x), false).singletonOrThrow().toFloatArray();
                System.arraycopy(v, 0, out, start * dim, v.length);
            }
        }
        return out;
    }

    /**
     * The images of {@code count} latents ({@code [count, latent_dim]}), row-major {@code [count, C, H, W]} in (0, 1).
     */
    public float[] decode(float[] latents, int count) {
        Objects.requireNonNull(latents, "latents");
        int dim = config().latentDim();
        if (count < 0 || latents.length != (long) count * dim) {
            throw new IllegalArgumentException("expected " + count + " latents of " + dim + " ("
                    + (long) count * dim + " floats), got " + latents.length + " floats");
        }
        int per = config().imageFloats();
        float[] out = new float[count * per];
        for (int start = 0; start < count; start += CHUNK) {
            int n = Math.min(CHUNK, count - start);
            try (NDScope scope = new NDScope(); Autograd off = Autograd.off()) {
                scope.suppressNotUsedWarning();
                NDArray z = manager.create(Arrays.copyOfRange(latents, start * dim, (start + n) * dim),
                        new Shape(n, dim));
                float[] img = net.decode(parameterStore, z, false).toFloatArray();
                System.arraycopy(img, 0, out, start * per, img.length);
            }
        }
        return out;
    }

    /** The seed's reconstructions {@code D(w_bmu)} of {@code count} images, {@code [count, C, H, W]}. */
    public float[] reconstruct(float[] images, int count) {
        return decode(codebook.prototypesOf(assign(images, count).bmu()), count);
    }

    /** The autoencoder's own reconstructions {@code D(v_attn)} of {@code count} images, {@code [count, C, H, W]}. */
    public float[] reconstructLatent(float[] images, int count) {
        return decode(latents(images, count), count);
    }

    /**
     * Moves each {@code units[k]}'s prototype to the attended latent of image {@code k}: the continual learner's
     * upkeep re-seeds dead units this way. The codebook is the map, so a re-seeded unit answers at once to images
     * like its new one.
     */
    @Override
    public void reseed(int[] units, float[] images) {
        int dim = prototypeDim();
        float[] latents = latents(images, units.length);
        float[] w = codebook.weights();
        for (int k = 0; k < units.length; k++) {
            Objects.checkIndex(units[k], config().units());
            System.arraycopy(latents, k * dim, w, units[k] * dim, dim);
        }
        codebook.setWeights(w);
    }

    /** The codebook, row-major {@code [units, latent_dim]}. */
    @Override
    public float[] prototypes() {
        return codebook.weights();
    }

    @Override
    public int prototypeDim() {
        return config().latentDim();
    }

    /** Every unit's decoded prototype {@code D(w_i)}; {@code recent} is not needed. */
    @Override
    public float[][] unitPictures(float[] recent, int count) {
        int units = config().units();
        return split(decode(codebook.weights(), units), units);
    }

    @Override
    public float[][] sample(int unit, int count, double sigma, Random random) {
        int units = config().units();
        if (unit < 0 || unit >= units) {
            throw new IllegalArgumentException("unit must be in [0, " + units + "), got " + unit);
        }
        if (count < 1) {
            throw new IllegalArgumentException("count must be >= 1, got " + count);
        }
        if (!(sigma >= 0) || !Double.isFinite(sigma)) {
            throw new IllegalArgumentException("sigma must be finite and >= 0, got " + sigma);
        }
        Objects.requireNonNull(random, "random");
        int dim = config().latentDim();
        float[] prototype = Arrays.copyOfRange(codebook.weights(), unit * dim, (unit + 1) * dim);
        float[] z = new float[count * dim];
        for (int i = 0; i < count; i++) {
            System.arraycopy(GenerationNoise.perturb(prototype, sigma, random), 0, z, i * dim, dim);
        }
        return split(decode(z, count), count);
    }

    /**
     * A trainer with the given schedule; the random generator of its codebook placement is seeded from the engine's,
     * so a process seeded with {@code Engine.getInstance().setRandomSeed} places the same prototypes.
     */
    @Override
    public GenSomTrainer newTrainer(TrainingSchedule schedule) {
        long seed;
        try (NDArray draw = manager.randomInteger(0, Integer.MAX_VALUE, new Shape(1), DataType.INT64)) {
            seed = draw.toLongArray()[0];
        }
        return new GenSomTrainer(this, schedule, new Random(seed));
    }

    @Override
    public GenSomSchedule streamingSchedule(long horizonImages) {
        return GenSomSchedule.streaming(config(), horizonImages);
    }

    private float[][] split(float[] flat, int count) {
        int per = config().imageFloats();
        float[][] out = new float[count][];
        for (int i = 0; i < count; i++) {
            out[i] = Arrays.copyOfRange(flat, i * per, (i + 1) * per);
        }
        return out;
    }

    void requireImages(float[] images, int count) {
        config().data().requireImages(images, count);
    }
}
