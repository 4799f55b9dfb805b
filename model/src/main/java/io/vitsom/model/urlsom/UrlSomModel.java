package io.vitsom.model.urlsom;

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
import io.vitsom.model.nn.Autograd;
import io.vitsom.model.train.TrainingSchedule;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;

/**
 * URL-SOM as a {@link MapModel}: a unit's response to an image is its softmax probability, so the best-matching unit
 * is the most probable unit, its distance {@code 1 - max probability} and the second-best unit the second most
 * probable. A unit's prototype is its row of the projection to the map; its picture is the mean of the recent
 * images it wins.
 *
 * <p>Inference runs the network in inference mode (batch norms on their running statistics) with autograd off, in
 * chunks of {@value #CHUNK} images, each in its own {@link NDScope}. Bound to the {@link NDManager} that owns the
 * parameters; not thread-safe.
 */
public final class UrlSomModel implements MapModel {
    /** Images per inference forward pass (bounds the backbone's activation memory). */
    static final int CHUNK = 256;
    /** Wins over which a unit's picture averages. */
    static final int PICTURE_WINDOW = 50;

    private final UrlSomNet net;
    private final NDManager manager;
    private final ParameterStore parameterStore;
    private final WonImages won;

    /**
     * @param net an initialised network
     * @param manager the manager that owns its parameters
     */
    public UrlSomModel(UrlSomNet net, NDManager manager) {
        this.net = Objects.requireNonNull(net, "net");
        this.manager = Objects.requireNonNull(manager, "manager");
        this.parameterStore = new ParameterStore(manager, false);
        this.won = new WonImages(net.config().units(), net.config().imageFloats(), PICTURE_WINDOW);
    }

    /** The images each unit won in training (its trainer records them). */
    WonImages won() {
        return won;
    }

    /** The wrapped network. */
    public UrlSomNet net() {
        return net;
    }

    /** The manager that owns the parameters. */
    public NDManager manager() {
        return manager;
    }

    @Override
    public UrlSomConfig config() {
        return net.config();
    }

    @Override
    public Map<String, Parameter> namedParameters() {
        return net.namedParameters();
    }

    @Override
    public long trainableParameterCount() {
        return net.trainableParameterCount();
    }

    @Override
    public Assignments assign(float[] images, int count) {
        requireImages(images, count);
        int units = config().units();
        int[] bmu = new int[count];
        float[] distance = new float[count];
        int[] second = new int[count];
        for (int start = 0; start < count; start += CHUNK) {
            int n = Math.min(CHUNK, count - start);
            try (NDScope scope = new NDScope(); Autograd off = Autograd.off()) {
                scope.suppressNotUsedWarning();
                NDArray p = forward(images, start, n).probabilities();
                NDArray best = p.argMax(1);
                NDArray bestProbability = p.max(new int[] {1});
                // The second-best unit: the argmax once the best column is pushed below every probability.
                NDArray runnerUp = p.sub(best.oneHot(units).toType(DataType.FLOAT32, false).mul(2)).argMax(1);
                long[] b = best.toLongArray();
                long[] s = runnerUp.toLongArray();
                float[] d = bestProbability.toFloatArray();
                for (int i = 0; i < n; i++) {
                    bmu[start + i] = Math.toIntExact(b[i]);
                    second[start + i] = units == 1 ? 0 : Math.toIntExact(s[i]);
                    distance[start + i] = 1f - d[i];
                }
            }
        }
        return new Assignments(bmu, distance, second);
    }

    /**
     * The map's response to {@code count} images: softmax probabilities, row-major {@code [count, units]}.
     *
     * @throws IllegalArgumentException when {@code images} does not hold {@code count} images of the config's input
     */
    public float[] probabilities(float[] images, int count) {
        requireImages(images, count);
        float[] out = new float[count * config().units()];
        for (int start = 0; start < count; start += CHUNK) {
            int n = Math.min(CHUNK, count - start);
            try (NDScope scope = new NDScope(); Autograd off = Autograd.off()) {
                scope.suppressNotUsedWarning();
                float[] p = forward(images, start, n).probabilities().toFloatArray();
                System.arraycopy(p, 0, out, start * config().units(), p.length);
            }
        }
        return out;
    }

    /**
     * The pooled backbone features of {@code count} images, row-major {@code [count, D]} ({@code D = widths[last]}).
     *
     * @throws IllegalArgumentException when {@code images} does not hold {@code count} images of the config's input
     */
    public float[] features(float[] images, int count) {
        requireImages(images, count);
        int dim = config().backbone().featureDim();
        float[] out = new float[count * dim];
        for (int start = 0; start < count; start += CHUNK) {
            int n = Math.min(CHUNK, count - start);
            try (NDScope scope = new NDScope(); Autograd off = Autograd.off()) {
                scope.suppressNotUsedWarning();
                float[] f = forward(images, start, n).features().toFloatArray();
                System.arraycopy(f, 0, out, start * dim, f.length);
            }
        }
        return out;
    }

    /** Inference-mode forward pass of images {@code [start, start + n)} of {@code images}. */
    private UrlSomNet.Outputs forward(float[] images, int start, int n) {
        int c = config().numChannels();
        int s = config().inputSize();
        int per = c * s * s;
        NDArray x = manager.create(Arrays.copyOfRange(images, start * per, (start + n) * per), new Shape(n, c, s, s));
        return UrlSomNet.Outputs.of(net.forward(parameterStore, new NDList(x), false));
    }

    private void requireImages(float[] images, int count) {
        config().data().requireImages(images, count);
    }

    /** The projection's weight, row-major {@code [units, D]}: row {@code k} is what unit {@code k} responds to. */
    @Override
    public float[] prototypes() {
        return net.projection().weight().getArray().toFloatArray();
    }

    @Override
    public int prototypeDim() {
        return config().backbone().featureDim();
    }

    /**
     * The recent images each unit won: the running mean over each unit's last {@value #PICTURE_WINDOW} wins in
     * training ({@link WonImages}, fed by {@link UrlSomTrainer}), null for a unit that never won. Before any training
     * step, the mean of the images of {@code recent} each unit wins; null when there are none either.
     */
    @Override
    public float[][] unitPictures(float[] recent, int count) {
        if (!won.isEmpty()) {
            return won.pictures();
        }
        if (recent == null || count == 0) {
            return null;
        }
        int[] bmu = assign(recent, count).bmu();
        int units = config().units();
        int per = config().imageFloats();
        double[][] sums = new double[units][];
        int[] wins = new int[units];
        for (int i = 0; i < count; i++) {
            int k = bmu[i];
            if (sums[k] == null) {
                sums[k] = new double[per];
            }
            wins[k]++;
            for (int j = 0; j < per; j++) {
                sums[k][j] += recent[i * per + j];
            }
        }
        float[][] pictures = new float[units][];
        for (int k = 0; k < units; k++) {
            if (wins[k] > 0) {
                pictures[k] = new float[per];
                for (int j = 0; j < per; j++) {
                    pictures[k][j] = (float) (sums[k][j] / wins[k]);
                }
            }
        }
        return pictures;
    }

    /**
     * A trainer with the given schedule; its two-view augmentation is seeded from the engine's random generator,
     * so a process seeded with {@code Engine.getInstance().setRandomSeed} replays the same views.
     */
    @Override
    public UrlSomTrainer newTrainer(TrainingSchedule schedule) {
        long seed;
        try (NDArray draw = manager.randomInteger(0, Integer.MAX_VALUE, new Shape(1), DataType.INT64)) {
            seed = draw.toLongArray()[0];
        }
        return new UrlSomTrainer(this, schedule, seed);
    }

    @Override
    public UrlSomSchedule streamingSchedule(long horizonImages) {
        return UrlSomSchedule.streaming(config(), horizonImages);
    }
}
