package io.vitsom.model.gensom;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import io.vitsom.model.infer.Assignments;
import io.vitsom.model.som.SomGrid;
import java.util.Objects;
import java.util.Random;

/**
 * The Kohonen map of Gen-SOM-Attn: {@code units x dim} prototypes on a grid, matched by squared Euclidean distance
 * and trained by the classic competitive rule {@code W_i += eta h_i (v - W_i)}, {@code h_i =
 * exp(-d(i, bmu)^2 / (2 sigma^2))} on the grid, one input after the other, never by gradient.
 *
 * <p>The prototypes live in a DJL {@link Parameter} without gradient ({@link #prototypes()}), so a checkpoint stores
 * and restores them under a stable name; every method reads them from it and writes them back, so the parameter is
 * the only copy. The work itself is plain Java on a float array: 144 x 32 floats, far too small for the engine's
 * per-op overhead to pay. A second no-gradient parameter, {@link #initialised()}, records whether the prototypes
 * have been placed at the data ({@code som.init: first_batch}); a checkpoint keeps it too, so a resumed run never
 * re-initialises a trained map.
 */
public final class KohonenCodebook {
    private final SomGrid grid;
    private final int dim;
    private final Parameter prototypes;
    private final Parameter initialised;

    /**
     * A codebook whose prototypes are {@code N(0, noise^2)} from the engine's generator (seed it first).
     *
     * @param grid the map's units
     * @param dim width of a prototype
     * @param noise standard deviation of the initial prototypes, >= 0
     * @param placed whether these prototypes count as initialised (no first-batch placement to come)
     * @param manager owns the parameters
     */
    public KohonenCodebook(SomGrid grid, int dim, double noise, boolean placed, NDManager manager) {
        this.grid = Objects.requireNonNull(grid, "grid");
        if (dim <= 0) {
            throw new IllegalArgumentException("dim must be > 0, got " + dim);
        }
        this.dim = dim;
        Shape shape = new Shape(grid.units(), dim);
        var start = noise > 0 ? manager.randomNormal(0f, (float) noise, shape, DataType.FLOAT32)
                : manager.zeros(shape, DataType.FLOAT32);
        this.prototypes = Parameter.builder().setName("prototypes").setType(Parameter.Type.WEIGHT)
                .optRequiresGrad(false).optArray(start).build();
        this.initialised = Parameter.builder().setName("initialised").setType(Parameter.Type.OTHER)
                .optRequiresGrad(false).optArray(manager.create(new float[] {placed ? 1f : 0f})).build();
    }

    /**
     * A best match: the unit, its Euclidean distance and the second-best unit (the BMU itself on a one-unit map).
     *
     * @param bmu best-matching unit
     * @param distance Euclidean distance to the BMU's prototype
     * @param second second-best unit
     */
    public record Match(int bmu, float distance, int second) {
    }

    /** The grid. */
    public SomGrid grid() {
        return grid;
    }

    /** Width of a prototype. */
    public int dim() {
        return dim;
    }

    /** The prototypes {@code [units, dim]} as a parameter without gradient (checkpoint name {@code som.prototypes}). */
    public Parameter prototypes() {
        return prototypes;
    }

    /** 1 once the prototypes are placed, 0 before ({@code [1]}, checkpoint name {@code som.initialised}). */
    public Parameter initialised() {
        return initialised;
    }

    /** Whether the prototypes have been placed (first batch done, or {@code init: normal}). */
    public boolean isInitialised() {
        return initialised.getArray().getFloat(0) != 0f;
    }

    /** A copy of the prototypes, row-major {@code [units, dim]}. */
    public float[] weights() {
        return prototypes.getArray().toFloatArray();
    }

    /** The prototypes of {@code units}, stacked row-major {@code [units.length, dim]}. */
    public float[] prototypesOf(int[] units) {
        float[] w = weights();
        float[] out = new float[units.length * dim];
        for (int i = 0; i < units.length; i++) {
            System.arraycopy(w, units[i] * dim, out, i * dim, dim);
        }
        return out;
    }

    /** Replaces the prototypes with {@code weights} ({@code [units, dim]}). */
    public void setWeights(float[] weights) {
        if (weights.length != grid.units() * dim) {
            throw new IllegalArgumentException("expected " + grid.units() * dim + " floats, got " + weights.length);
        }
        prototypes.getArray().set(weights);
    }

    /**
     * Places every prototype at the latent of an image of {@code latents} ({@code [count, dim]}) drawn by
     * {@code random}, plus {@code N(0, noise^2)} from {@code random}, and marks the codebook initialised.
     */
    public void placeAt(float[] latents, int count, double noise, Random random) {
        requireLatents(latents, count);
        if (count == 0) {
            throw new IllegalArgumentException("cannot place prototypes at no latents");
        }
        float[] w = new float[grid.units() * dim];
        for (int k = 0; k < grid.units(); k++) {
            int source = random.nextInt(count);
            for (int d = 0; d < dim; d++) {
                w[k * dim + d] = latents[source * dim + d] + (float) (noise * random.nextGaussian());
            }
        }
        setWeights(w);
        initialised.getArray().set(new float[] {1f});
    }

    /** The best match of each of {@code count} latents ({@code [count, dim]}) against the current prototypes. */
    public Assignments assign(float[] latents, int count) {
        requireLatents(latents, count);
        float[] w = weights();
        int[] bmu = new int[count];
        float[] distance = new float[count];
        int[] second = new int[count];
        for (int i = 0; i < count; i++) {
            Match m = match(w, latents, i * dim);
            bmu[i] = m.bmu();
            distance[i] = m.distance();
            second[i] = m.second();
        }
        return new Assignments(bmu, distance, second);
    }

    /**
     * The classic online update with each of {@code count} latents in turn: its BMU against the prototypes as the
     * previous latents left them, then {@code W_i += eta h_i (v - W_i)} for every unit. A radius {@code sigma <= 0}
     * updates the BMU alone (the limit of the Gaussian).
     *
     * @return each latent's match as it was found, before its own update
     */
    public Match[] update(float[] latents, int count, double eta, double sigma) {
        requireLatents(latents, count);
        if (!(eta >= 0) || !Double.isFinite(eta)) {
            throw new IllegalArgumentException("eta must be finite and >= 0, got " + eta);
        }
        float[] w = weights();
        int units = grid.units();
        Match[] matches = new Match[count];
        for (int i = 0; i < count; i++) {
            int offset = i * dim;
            Match m = match(w, latents, offset);
            matches[i] = m;
            for (int k = 0; k < units; k++) {
                double h = sigma > 0 ? grid.neighbourhood(m.bmu(), k, sigma) : (k == m.bmu() ? 1 : 0);
                float rate = (float) (eta * h);
                if (rate == 0f) {
                    continue;
                }
                for (int d = 0; d < dim; d++) {
                    w[k * dim + d] += rate * (latents[offset + d] - w[k * dim + d]);
                }
            }
        }
        setWeights(w);
        return matches;
    }

    /** Nearest and second-nearest prototype of the latent at {@code offset} by squared Euclidean distance. */
    private Match match(float[] w, float[] latents, int offset) {
        int best = 0;
        int second = 0;
        double bestD = Double.POSITIVE_INFINITY;
        double secondD = Double.POSITIVE_INFINITY;
        for (int k = 0; k < grid.units(); k++) {
            double s = 0;
            for (int d = 0; d < dim; d++) {
                double diff = latents[offset + d] - w[k * dim + d];
                s += diff * diff;
            }
            if (s < bestD) {
                second = best;
                secondD = bestD;
                best = k;
                bestD = s;
            } else if (s < secondD) {
                second = k;
                secondD = s;
            }
        }
        return new Match(best, (float) Math.sqrt(bestD), grid.units() == 1 ? best : second);
    }

    private void requireLatents(float[] latents, int count) {
        Objects.requireNonNull(latents, "latents");
        if (count < 0 || latents.length != (long) count * dim) {
            throw new IllegalArgumentException("expected " + count + " latents of " + dim + " ("
                    + (long) count * dim + " floats), got " + latents.length + " floats");
        }
    }
}
