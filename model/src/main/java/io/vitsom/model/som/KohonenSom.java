package io.vitsom.model.som;

import io.vitsom.model.data.ImageSet;
import java.util.Arrays;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

/**
 * The classic online Kohonen self-organising map on raw pixels: the "SOM on pixels" baseline.
 *
 * <p>Prototypes start uniform in [0, 1) (the pixel range) from a seeded {@link Random}. Training
 * visits the samples one at a time, in a fresh seeded shuffle every epoch; for sample {@code x} at
 * step {@code t} of {@code T = epochs * n} it finds the best-matching unit {@code c} by euclidean
 * distance and moves every unit by {@code w_j += lr(t) * h_cj(t) * (x - w_j)}, where {@code h} is
 * the Gaussian neighbourhood of {@link SomGrid#neighbourhood} at width {@code sigma(t)}. Both
 * {@code sigma} and {@code lr} decay exponentially, {@code v(t) = v0 * (v1 / v0)^(t / T)}, so they
 * reach their end values exactly at the end of training (unlike MiniSom's asymptotic
 * {@code v0 / (1 + 2t/T)}, which never gets below {@code v0 / 3}: too wide a neighbourhood to
 * resolve a 40x40 map). Units whose neighbourhood weight is at or below
 * {@link Options#neighbourhoodCutoff()} are not touched, which makes late epochs much cheaper.
 *
 * <p>Prototypes are stored dimension-major ({@code [dim][units]}) so that the two hot loops, the
 * distance accumulation and the update, run over units without a reduction and the JIT compiler
 * vectorises them (C2 leaves a float sum over dimensions scalar); on 40x40 maps of 784-pixel images
 * this makes the BMU search, which dominates training, about 4x faster than a 4-way unrolled scalar
 * loop over each prototype.
 *
 * <p>Training runs on {@link Options#threads()} threads, each owning a contiguous range of units:
 * per sample each thread updates its own units and then searches them for the next sample's BMU, so
 * the threads meet once per sample. The result is identical for any thread count, since each unit's
 * arithmetic does not depend on who runs it and ties in the BMU search always go to the lowest index.
 *
 * <p>Instances are not thread-safe while training; {@link #bmu}, {@link #bmus} and
 * {@link #distances} may be called concurrently with each other.
 */
public final class KohonenSom {

    /** How often (in samples) {@link ProgressListener} hears about training. */
    public static final int PROGRESS_INTERVAL = 1000;

    // Units per thread below which splitting the map costs more in synchronisation than it saves.
    private static final int MIN_UNITS_PER_THREAD = 64;
    // Samples per pass over the prototypes in bmus(): each prototype row is read once per block.
    private static final int BMU_BLOCK = 8;
    // Closest spacing of two map rows (hexagonal grids: sqrt(3)/2), to bound the rows a neighbourhood reaches.
    private static final double MIN_ROW_SPACING = Math.sqrt(3) / 2 - 1e-6;

    private final SomGrid grid;
    private final int dim;
    private final Options options;
    private final Random random;
    private final int units;
    private final float[][] weights; // [dim][units]: weights[i][j] is dimension i of unit j

    /**
     * The training schedule.
     *
     * @param sigmaStart neighbourhood width at the first step, in map units
     * @param sigmaEnd neighbourhood width at the last step
     * @param learningRateStart learning rate at the first step
     * @param learningRateEnd learning rate at the last step
     * @param neighbourhoodCutoff units with a neighbourhood weight at or below this are not updated
     * @param threads training threads; capped so that every thread owns at least 64 units
     */
    public record Options(double sigmaStart, double sigmaEnd, double learningRateStart, double learningRateEnd,
            double neighbourhoodCutoff, int threads) {

        public Options {
            if (!(sigmaStart > 0) || !(sigmaEnd > 0)) {
                throw new IllegalArgumentException("sigma must be positive, got " + sigmaStart + " -> " + sigmaEnd);
            }
            if (!(learningRateStart > 0) || !(learningRateEnd > 0)) {
                throw new IllegalArgumentException(
                        "learning rate must be positive, got " + learningRateStart + " -> " + learningRateEnd);
            }
            if (!(neighbourhoodCutoff >= 0 && neighbourhoodCutoff < 1)) {
                throw new IllegalArgumentException("neighbourhood cutoff must be in [0, 1), got " + neighbourhoodCutoff);
            }
            if (threads <= 0) {
                throw new IllegalArgumentException("threads must be positive, got " + threads);
            }
        }

        /**
         * Defaults: sigma from {@code max(rows, cols) / 2} (the neighbourhood first spans the whole
         * map, so it unfolds instead of twisting) down to 0.5 (essentially winner-only), learning rate
         * 0.5 down to 0.01, cutoff 1e-6, and half the available processors as threads.
         *
         * <p>Half, because the threads meet once per sample and a thread that loses its core stalls
         * all others: on a busy 2-core machine two threads made an epoch up to 2x slower than one.
         */
        public static Options defaults(SomGrid grid) {
            return new Options(Math.max(grid.rows(), grid.cols()) / 2.0, 0.5, 0.5, 0.01, 1e-6,
                    Math.max(1, Runtime.getRuntime().availableProcessors() / 2));
        }

        /** These options with another thread count. */
        public Options withThreads(int threads) {
            return new Options(sigmaStart, sigmaEnd, learningRateStart, learningRateEnd, neighbourhoodCutoff, threads);
        }
    }

    /** Training progress, reported on the thread that called {@link #train}. */
    @FunctionalInterface
    public interface ProgressListener {
        /**
         * Called every {@link #PROGRESS_INTERVAL} samples and at the end of each epoch.
         *
         * @param epoch the current epoch, counting from 1
         * @param seen samples of this epoch processed so far
         * @param total samples per epoch
         * @param quantizationError mean euclidean distance from a sample to its BMU (before the update)
         *     over the samples since the previous report
         */
        void onProgress(int epoch, int seen, int total, double quantizationError);
    }

    /** A map for {@code dim}-dimensional inputs with the {@linkplain Options#defaults default} schedule. */
    public KohonenSom(SomGrid grid, int dim, long seed) {
        this(grid, dim, seed, Options.defaults(grid));
    }

    /** A map for {@code dim}-dimensional inputs; {@code seed} fixes the initial prototypes and the shuffles. */
    public KohonenSom(SomGrid grid, int dim, long seed, Options options) {
        this.grid = Objects.requireNonNull(grid, "grid");
        this.options = Objects.requireNonNull(options, "options");
        if (dim <= 0) {
            throw new IllegalArgumentException("dim must be positive, got " + dim);
        }
        this.dim = dim;
        this.random = new Random(seed);
        this.units = grid.units();
        this.weights = new float[dim][units];
        // Drawn unit by unit, so the initial map does not depend on the storage order.
        for (int j = 0; j < units; j++) {
            for (int i = 0; i < dim; i++) {
                weights[i][j] = random.nextFloat();
            }
        }
    }

    public SomGrid grid() {
        return grid;
    }

    public int dim() {
        return dim;
    }

    public Options options() {
        return options;
    }

    /**
     * Trains for {@code epochs} passes over {@code data}; the sigma and learning-rate schedules run
     * over these epochs, so a second call starts them over.
     *
     * @param listener progress callback, may be {@code null}
     */
    public void train(ImageSet data, int epochs, ProgressListener listener) {
        if (data.imageSize() != dim) {
            throw new IllegalArgumentException("images have " + data.imageSize() + " values (" + data.shape()
                    + "), the map expects " + dim);
        }
        if (epochs < 0) {
            throw new IllegalArgumentException("epochs must be >= 0, got " + epochs);
        }
        if (epochs == 0 || data.size() == 0) {
            return;
        }
        int threads = Math.max(1, Math.min(options.threads(), grid.units() / MIN_UNITS_PER_THREAD));
        new Trainer(data, epochs, listener, threads, random.nextLong()).run();
    }

    /** The unit whose prototype is closest to {@code x} (euclidean; lowest index on ties). */
    public int bmu(float[] x) {
        checkInput(x);
        float[] acc = new float[units];
        accumulate(x, 0, units, acc);
        return argmin(acc, 0, units);
    }

    /** The BMU of every image of {@code data}, computed in parallel. */
    public int[] bmus(ImageSet data) {
        if (data.imageSize() != dim) {
            throw new IllegalArgumentException("images have " + data.imageSize() + " values, the map expects " + dim);
        }
        int n = data.size();
        int[] out = new int[n];
        IntStream.range(0, (n + BMU_BLOCK - 1) / BMU_BLOCK).parallel().forEach(block -> {
            int first = block * BMU_BLOCK;
            int count = Math.min(BMU_BLOCK, n - first);
            float[][] xs = new float[count][dim];
            float[][] acc = new float[count][units];
            for (int b = 0; b < count; b++) {
                data.copyImage(first + b, xs[b], 0);
            }
            // Dimension-outer: one prototype row serves the whole block while it is in L1.
            for (int i = 0; i < dim; i++) {
                float[] row = weights[i];
                for (int b = 0; b < count; b++) {
                    float xi = xs[b][i];
                    float[] a = acc[b];
                    for (int j = 0; j < units; j++) {
                        float d = xi - row[j];
                        a[j] += d * d;
                    }
                }
            }
            for (int b = 0; b < count; b++) {
                out[first + b] = argmin(acc[b], 0, units);
            }
        });
        return out;
    }

    /** Euclidean distance from {@code x} to every prototype (computed in float, like the BMU search). */
    public double[] distances(float[] x) {
        checkInput(x);
        float[] acc = new float[units];
        accumulate(x, 0, units, acc);
        double[] out = new double[units];
        for (int j = 0; j < units; j++) {
            out[j] = Math.sqrt(acc[j]);
        }
        return out;
    }

    /** A copy of the prototypes, {@code [units][dim]}. */
    public float[][] prototypes() {
        float[][] copy = new float[units][dim];
        for (int i = 0; i < dim; i++) {
            for (int j = 0; j < units; j++) {
                copy[j][i] = weights[i][j];
            }
        }
        return copy;
    }

    private void checkInput(float[] x) {
        if (x.length != dim) {
            throw new IllegalArgumentException("input has " + x.length + " values, the map expects " + dim);
        }
    }

    /**
     * Squared euclidean distances from {@code x} to units {@code lo .. hi-1} into {@code acc[lo .. hi)}.
     * Every unit sums its dimensions in order with one accumulator, so the value does not depend on
     * how the units are split between threads.
     */
    private void accumulate(float[] x, int lo, int hi, float[] acc) {
        Arrays.fill(acc, lo, hi, 0f);
        for (int i = 0; i < dim; i++) {
            float xi = x[i];
            float[] row = weights[i];
            // Same index into row and acc, one row array per dimension: the shape C2 vectorises
            // (a flat [dim * units] array indexed i * units + j was not, and ran 5x slower).
            for (int j = lo; j < hi; j++) {
                float d = xi - row[j];
                acc[j] += d * d;
            }
        }
    }

    /** Index of the smallest of {@code values[lo .. hi)}, the lowest on ties. */
    private static int argmin(float[] values, int lo, int hi) {
        int best = lo;
        for (int j = lo + 1; j < hi; j++) {
            if (values[j] < values[best]) {
                best = j;
            }
        }
        return best;
    }

    /** One training run: the worker threads and what they share. */
    private final class Trainer {
        private final ImageSet data;
        private final ProgressListener listener;
        private final int threads;
        private final long shuffleSeed;
        private final int n;
        private final long steps;
        // Per-thread BMU candidates, double-buffered by step parity: a thread may already publish its
        // candidate for step s+1 while a slower one still reads the step-s candidates.
        private final float[][] candidateDistance;
        private final int[][] candidateUnit;
        private final SpinBarrier barrier;
        private volatile Throwable failure;

        Trainer(ImageSet data, int epochs, ProgressListener listener, int threads, long shuffleSeed) {
            this.data = data;
            this.listener = listener;
            this.threads = threads;
            this.shuffleSeed = shuffleSeed;
            this.n = data.size();
            this.steps = (long) epochs * n;
            this.candidateDistance = new float[2][threads];
            this.candidateUnit = new int[2][threads];
            this.barrier = new SpinBarrier(threads);
        }

        void run() {
            Thread[] helpers = new Thread[threads - 1];
            for (int t = 1; t < threads; t++) {
                int id = t;
                helpers[t - 1] = new Thread(() -> guarded(id), "kohonen-train-" + t);
                helpers[t - 1].setDaemon(true);
                helpers[t - 1].start();
            }
            guarded(0);
            boolean interrupted = false;
            for (Thread helper : helpers) {
                while (true) {
                    try {
                        helper.join();
                        break;
                    } catch (InterruptedException e) {
                        // The helpers hold our prototypes; they must finish before we return.
                        interrupted = true;
                    }
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            Throwable f = failure;
            if (f instanceof RuntimeException re) {
                throw re;
            }
            if (f instanceof Error err) {
                throw err;
            }
            if (f != null) {
                throw new IllegalStateException("SOM training failed", f);
            }
        }

        private void guarded(int t) {
            try {
                work(t);
            } catch (Throwable e) {
                if (failure == null) {
                    failure = e;
                }
                barrier.breakBarrier();
            }
        }

        private void work(int t) {
            Random shuffler = new Random(shuffleSeed); // every thread replays the same shuffles
            int[] order = IntStream.range(0, n).toArray();
            float[] x = new float[dim];
            // Indexed by unit like the prototype rows (only this thread's range is used): keeping one
            // index for all arrays in the hot loops is what lets them vectorise.
            float[] acc = new float[units];
            float[] coefficient = new float[units];
            int owned = rangeStart(t + 1) - rangeStart(t);
            int[] runs = new int[owned + 2]; // at most ceil(owned / 2) runs
            double sigma0 = options.sigmaStart();
            double sigmaRatio = options.sigmaEnd() / sigma0;
            double lr0 = options.learningRateStart();
            double lrRatio = options.learningRateEnd() / lr0;
            double cutoff = options.neighbourhoodCutoff();
            double qeSum = 0;
            int qeCount = 0;

            shuffle(order, shuffler);
            data.copyImage(order[0], x, 0);
            searchOwnUnits(t, x, 0, acc);
            if (!barrier.await()) {
                return;
            }
            for (long s = 0; s < steps; s++) {
                int parity = (int) (s & 1);
                int bmu = candidateUnit[parity][0];
                float bmuDistance = candidateDistance[parity][0];
                for (int u = 1; u < threads; u++) {
                    float d = candidateDistance[parity][u];
                    int unit = candidateUnit[parity][u];
                    if (d < bmuDistance || (d == bmuDistance && unit < bmu)) {
                        bmu = unit;
                        bmuDistance = d;
                    }
                }
                if (t == 0 && listener != null) {
                    qeSum += Math.sqrt(bmuDistance);
                    qeCount++;
                    int seen = (int) (s % n) + 1;
                    if (seen % PROGRESS_INTERVAL == 0 || seen == n) {
                        listener.onProgress((int) (s / n) + 1, seen, n, qeSum / qeCount);
                        qeSum = 0;
                        qeCount = 0;
                    }
                }
                double progress = (double) s / steps;
                double sigma = sigma0 * Math.pow(sigmaRatio, progress);
                double lr = lr0 * Math.pow(lrRatio, progress);
                updateOwnUnits(t, x, bmu, sigma, lr, cutoff, coefficient, runs);
                if (s + 1 == steps) {
                    break;
                }
                int next = (int) ((s + 1) % n);
                if (next == 0) {
                    shuffle(order, shuffler);
                }
                data.copyImage(order[next], x, 0);
                searchOwnUnits(t, x, 1 - parity, acc);
                if (!barrier.await()) {
                    return;
                }
            }
        }

        private void searchOwnUnits(int t, float[] x, int parity, float[] acc) {
            int lo = rangeStart(t);
            int hi = rangeStart(t + 1);
            accumulate(x, lo, hi, acc);
            int best = argmin(acc, lo, hi);
            candidateUnit[parity][t] = best;
            candidateDistance[parity][t] = acc[best];
        }

        private void updateOwnUnits(int t, float[] x, int bmu, double sigma, double lr, double cutoff,
                float[] coefficient, int[] runs) {
            int lo = rangeStart(t);
            int hi = rangeStart(t + 1);
            double twoSigma2 = 2 * sigma * sigma;
            // Map distance beyond which the Gaussian is below the cutoff: bounds the rows worth visiting.
            double maxD2 = cutoff > 0 ? twoSigma2 * Math.log(1 / cutoff) : Double.POSITIVE_INFINITY;
            int cols = grid.cols();
            int from = lo;
            int to = hi;
            if (maxD2 < Double.POSITIVE_INFINITY) {
                int reach = (int) Math.ceil(Math.sqrt(maxD2) / MIN_ROW_SPACING);
                int bmuRow = grid.row(bmu);
                from = Math.max(lo, Math.max(0, bmuRow - reach) * cols);
                to = (int) Math.min(hi, Math.min((long) grid.rows(), (long) bmuRow + reach + 1) * cols);
            }
            // Runs of consecutive units to update, as [start, end) pairs: one per map row at small sigma.
            int runCount = 0;
            boolean inRun = false;
            for (int j = from; j < to; j++) {
                float d2 = grid.squaredDistance(bmu, j);
                double h = d2 > maxD2 ? 0 : Math.exp(-d2 / twoSigma2);
                boolean active = h > cutoff;
                coefficient[j] = active ? (float) (lr * h) : 0f;
                if (active && !inRun) {
                    runs[2 * runCount] = j;
                    inRun = true;
                } else if (!active && inRun) {
                    runs[2 * runCount + 1] = j;
                    runCount++;
                    inRun = false;
                }
            }
            if (inRun) {
                runs[2 * runCount + 1] = to;
                runCount++;
            }
            for (int i = 0; i < dim; i++) {
                float xi = x[i];
                float[] row = weights[i];
                for (int r = 0; r < runCount; r++) {
                    int end = runs[2 * r + 1];
                    for (int j = runs[2 * r]; j < end; j++) {
                        row[j] += coefficient[j] * (xi - row[j]);
                    }
                }
            }
        }

        /** First unit owned by thread {@code t}; thread {@code threads} is the end. */
        private int rangeStart(int t) {
            return (int) ((long) t * units / threads);
        }

        private void shuffle(int[] order, Random rnd) {
            for (int i = order.length - 1; i > 0; i--) {
                int k = rnd.nextInt(i + 1);
                int tmp = order[i];
                order[i] = order[k];
                order[k] = tmp;
            }
        }
    }

    /**
     * A reusable barrier that spins before yielding: threads meet once per sample (every ~100 us),
     * far too often for the park/unpark of {@link java.util.concurrent.CyclicBarrier}.
     */
    private static final class SpinBarrier {
        private static final int SPINS_BEFORE_YIELD = 2_000;
        private final int parties;
        private final AtomicInteger arrived = new AtomicInteger();
        private volatile int generation;
        private volatile boolean broken;

        SpinBarrier(int parties) {
            this.parties = parties;
        }

        /** Waits for all parties; false if the barrier was broken by a failing party. */
        boolean await() {
            if (broken) {
                return false;
            }
            if (parties == 1) {
                return true;
            }
            int g = generation; // read before arriving, or the last party could advance it first
            if (arrived.incrementAndGet() == parties) {
                arrived.set(0);
                generation = g + 1;
                return !broken;
            }
            int spins = 0;
            while (generation == g) {
                if (broken) {
                    return false;
                }
                if (++spins < SPINS_BEFORE_YIELD) {
                    Thread.onSpinWait();
                } else {
                    Thread.yield();
                }
            }
            return !broken;
        }

        void breakBarrier() {
            broken = true;
        }
    }
}
