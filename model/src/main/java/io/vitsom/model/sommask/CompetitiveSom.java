package io.vitsom.model.sommask;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.vitsom.model.som.SomGrid;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * The SOM of one masked layer: a codebook of one prototype per neuron on a square grid, learning with the classic
 * competitive (Kohonen) rule and no gradient. For a batch of inputs {@code x_b} with winners {@code j*_b}, every unit
 * takes the sum of the per-sample steps against the same codebook,
 * {@code w_j += c_j * sum_b h(j, j*_b) (x_b - w_j)} with {@code h = exp(-d^2 / (2 sigma^2))} ({@link NeighbourhoodMask}
 * without threshold) and {@code c_j = min(lr, 1 / sum_b h(j, j*_b))}: the online rule's steps to first order, capped
 * so that a unit that many inputs pull never moves past their weighted mean. One step per batch keeps the update on the
 * engine, where a per-sample loop would not; a mean instead of a sum would slow the map down by the batch size.
 *
 * <p>The codebook starts as copies of randomly chosen inputs of the first batch it sees ({@link #initializeFrom}),
 * since the later layers' inputs do not exist before training. Not thread-safe.
 */
public final class CompetitiveSom implements AutoCloseable {
    private final SomGrid grid;
    private final int dim;
    private final double learningRate;
    private final NDArray neighbourhood;
    private final SplittableRandom random;
    private final NDManager manager;
    private NDArray codebook;

    /**
     * @param grid the units' layout
     * @param dim input size
     * @param organizeSigma the update's neighbourhood width, > 0 or infinite
     * @param learningRate the step size
     * @param seed the initialisation's sample choice
     * @param manager owns the codebook and the neighbourhood table
     */
    public CompetitiveSom(SomGrid grid, int dim, double organizeSigma, double learningRate, long seed,
                          NDManager manager) {
        this.grid = Objects.requireNonNull(grid, "grid");
        this.manager = Objects.requireNonNull(manager, "manager");
        if (dim <= 0 || !(learningRate > 0)) {
            throw new IllegalArgumentException("need dim > 0 and learningRate > 0, got " + dim + ", " + learningRate);
        }
        this.dim = dim;
        this.learningRate = learningRate;
        this.random = new SplittableRandom(seed);
        int units = grid.units();
        this.neighbourhood = manager.create(NeighbourhoodMask.table(grid, organizeSigma, 0), new Shape(units, units));
    }

    /** The units' layout. */
    public SomGrid grid() {
        return grid;
    }

    /** Input size. */
    public int dim() {
        return dim;
    }

    /** Whether the codebook exists (after the first training batch or {@link #setPrototypes}). */
    public boolean initialized() {
        return codebook != null;
    }

    /** Copies randomly chosen rows of {@code x} ({@code [N, dim]}) into the codebook, once; later calls do nothing. */
    public void initializeFrom(NDArray x) {
        if (codebook != null) {
            return;
        }
        float[] rows = x.toType(DataType.FLOAT32, false).toFloatArray();
        int n = rows.length / dim;
        float[][] prototypes = new float[grid.units()][];
        for (int j = 0; j < prototypes.length; j++) {
            int pick = random.nextInt(n);
            prototypes[j] = java.util.Arrays.copyOfRange(rows, pick * dim, (pick + 1) * dim);
        }
        setPrototypes(prototypes);
    }

    /** Replaces the codebook ({@code [units][dim]}). */
    public void setPrototypes(float[][] prototypes) {
        if (prototypes.length != grid.units()) {
            throw new IllegalArgumentException("expected " + grid.units() + " prototypes, got " + prototypes.length);
        }
        float[] flat = new float[grid.units() * dim];
        for (int j = 0; j < prototypes.length; j++) {
            if (prototypes[j].length != dim) {
                throw new IllegalArgumentException("prototype " + j + " has " + prototypes[j].length + " values, not "
                        + dim);
            }
            System.arraycopy(prototypes[j], 0, flat, j * dim, dim);
        }
        NDArray fresh = manager.create(flat, new Shape(grid.units(), dim)).toDevice(neighbourhood.getDevice(), false);
        // The codebook outlives the step's scope it may be created in.
        NDScope.unregister(fresh);
        if (codebook != null) {
            codebook.close();
        }
        codebook = fresh;
    }

    /** A copy of the codebook, {@code [units][dim]}. */
    public float[][] prototypes() {
        requireInitialized();
        float[] flat = codebook.toFloatArray();
        float[][] out = new float[grid.units()][dim];
        for (int j = 0; j < out.length; j++) {
            System.arraycopy(flat, j * dim, out[j], 0, dim);
        }
        return out;
    }

    /** The winner (nearest prototype, squared Euclidean) of every row of {@code x} ({@code [N, dim]}): int64 {@code [N]}. */
    public NDArray winners(NDArray x) {
        requireInitialized();
        // |x - w|^2 = |x|^2 - 2 x.w + |w|^2; |x|^2 does not change the argmin.
        NDArray cross = x.matMul(codebook.transpose());
        NDArray norms = codebook.square().sum(new int[] {1});
        return norms.sub(cross.mul(2)).argMin(1);
    }

    /**
     * One competitive step on {@code x} ({@code [N, dim]}) with its {@code winners}: every unit moves towards the
     * inputs by {@code c_j * sum_b h(j, j*_b) (x_b - w_j)}, {@code c_j = min(lr, 1 / sum_b h(j, j*_b))}.
     */
    public void update(NDArray x, NDArray winners) {
        requireInitialized();
        // h[b, j] = neighbourhood(j, winner_b): the winners' rows of the table.
        NDArray h = winners.oneHot(grid.units()).toType(DataType.FLOAT32, false).matMul(neighbourhood);
        NDArray pull = h.transpose().matMul(x);
        NDArray mass = h.sum(new int[] {0}).expandDims(1);
        // min(lr, 1 / mass) without dividing by a mass that may underflow to 0.
        NDArray rate = mass.mul(learningRate).maximum(1f).pow(-1).muli(learningRate);
        codebook.addi(pull.sub(codebook.mul(mass)).muli(rate));
    }

    private void requireInitialized() {
        if (codebook == null) {
            throw new IllegalStateException("the SOM has no codebook yet: train on a batch first");
        }
    }

    @Override
    public void close() {
        neighbourhood.close();
        if (codebook != null) {
            codebook.close();
        }
    }
}
