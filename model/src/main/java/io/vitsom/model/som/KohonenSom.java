package io.vitsom.model.som;

import io.vitsom.model.data.ImageSet;
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
 * <p>Training runs on {@link Options#threads()} threads, each owning an interleaved share of the
 * units ({@code j mod threads}): per sample each thread updates its own units and then searches its
 * own units for the next sample's BMU, so the threads meet once per sample. The result is identical
 * for any thread count, since each unit's arithmetic does not depend on who runs it and ties in the
 * BMU search always go to the lowest unit index.
 *
 * <p>Instances are not thread-safe while training; {@link #bmu}, {@link #bmus} and
 * {@link #distances} may be called concurrently with each other.
 */
public final class KohonenSom {

    /** How often (in samples) {@link ProgressListener} hears about training. */
    public static final int PROGRESS_INTERVAL = 1000;

    // Units per thread below which splitting the map costs more in synchronisation than it saves.
    private static final int MIN_UNITS_PER_THREAD = 64;
    // Partial-distance check interval in the BMU search (dimensions); a multiple of the unroll width.
    private static final int EARLY_EXIT_BLOCK = 64;

    private final SomGrid grid;
    private final int dim;
    private final Options options;
    private final Random random;
    private final float[][] weights;

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
         * 0.5 down to 0.01, cutoff 1e-6, one thread per available processor.
         */
        public static Options defaults(SomGrid grid) {
            return new Options(Math.max(grid.rows(), grid.cols()) / 2.0, 0.5, 0.5, 0.01, 1e-6,
                    Runtime.getRuntime().availableProcessors());
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
        this.weights = new float[grid.units()][dim];
        for (float[] w : weights) {
            for (int i = 0; i < dim; i++) {
                w[i] = random.nextFloat();
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
        int best = 0;
        float bestDistance = Float.POSITIVE_INFINITY;
        for (int j = 0; j < weights.length; j++) {
            float d = squaredDistance(weights[j], x, bestDistance);
            if (d < bestDistance) {
                bestDistance = d;
                best = j;
            }
        }
        return best;
    }

    /** The BMU of every image of {@code data}, computed in parallel. */
    public int[] bmus(ImageSet data) {
        if (data.imageSize() != dim) {
            throw new IllegalArgumentException("images have " + data.imageSize() + " values, the map expects " + dim);
        }
        int n = data.size();
        int[] out = new int[n];
        int chunk = 256;
        IntStream.range(0, (n + chunk - 1) / chunk).parallel().forEach(c -> {
            float[] x = new float[dim];
            for (int i = c * chunk; i < Math.min(n, (c + 1) * chunk); i++) {
                data.copyImage(i, x, 0);
                out[i] = bmu(x);
            }
        });
        return out;
    }

    /** Euclidean distance from {@code x} to every prototype (computed in float, like the BMU search). */
    public double[] distances(float[] x) {
        checkInput(x);
        double[] out = new double[weights.length];
        for (int j = 0; j < weights.length; j++) {
            out[j] = Math.sqrt(squaredDistance(weights[j], x, Float.POSITIVE_INFINITY));
        }
        return out;
    }

    /** A copy of the prototypes, {@code [units][dim]}. */
    public float[][] prototypes() {
        float[][] copy = new float[weights.length][];
        for (int j = 0; j < weights.length; j++) {
            copy[j] = weights[j].clone();
        }
        return copy;
    }

    private void checkInput(float[] x) {
        if (x.length != dim) {
            throw new IllegalArgumentException("input has " + x.length + " values, the map expects " + dim);
        }
    }

    /**
     * Squared euclidean distance, abandoned once it exceeds {@code bound}: the partial sum of
     * non-negative terms can only grow, so an abandoned unit could not have won anyway, and the
     * winner's distance is always summed in full in the same order.
     */
    static float squaredDistance(float[] w, float[] x, float bound) {
        int n = x.length;
        float s0 = 0;
        float s1 = 0;
        float s2 = 0;
        float s3 = 0;
        int i = 0;
        // Four accumulators break the add dependency chain; C2 will not vectorise a float sum.
        while (i + 4 <= n) {
            int blockEnd = Math.min(n & ~3, i + EARLY_EXIT_BLOCK);
            for (; i < blockEnd; i += 4) {
                float d0 = x[i] - w[i];
                float d1 = x[i + 1] - w[i + 1];
                float d2 = x[i + 2] - w[i + 2];
                float d3 = x[i + 3] - w[i + 3];
                s0 += d0 * d0;
                s1 += d1 * d1;
                s2 += d2 * d2;
                s3 += d3 * d3;
            }
            if ((s0 + s1) + (s2 + s3) > bound) {
                return Float.POSITIVE_INFINITY;
            }
        }
        for (; i < n; i++) {
            float d = x[i] - w[i];
            s0 += d * d;
        }
        return (s0 + s1) + (s2 + s3);
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
            double sigma0 = options.sigmaStart();
            double sigmaRatio = options.sigmaEnd() / sigma0;
            double lr0 = options.learningRateStart();
            double lrRatio = options.learningRateEnd() / lr0;
            double cutoff = options.neighbourhoodCutoff();
            double qeSum = 0;
            int qeCount = 0;

            shuffle(order, shuffler);
            data.copyImage(order[0], x, 0);
            searchOwnUnits(t, x, 0);
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
                updateOwnUnits(t, x, bmu, sigma, lr, cutoff);
                if (s + 1 == steps) {
                    break;
                }
                int next = (int) ((s + 1) % n);
                if (next == 0) {
                    shuffle(order, shuffler);
                }
                data.copyImage(order[next], x, 0);
                searchOwnUnits(t, x, 1 - parity);
                if (!barrier.await()) {
                    return;
                }
            }
        }

        private void searchOwnUnits(int t, float[] x, int parity) {
            int best = t;
            float bestDistance = Float.POSITIVE_INFINITY;
            for (int j = t; j < weights.length; j += threads) {
                float d = squaredDistance(weights[j], x, bestDistance);
                if (d < bestDistance) {
                    bestDistance = d;
                    best = j;
                }
            }
            candidateUnit[parity][t] = best;
            candidateDistance[parity][t] = bestDistance;
        }

        private void updateOwnUnits(int t, float[] x, int bmu, double sigma, double lr, double cutoff) {
            double twoSigma2 = 2 * sigma * sigma;
            // Map distance beyond which the Gaussian is below the cutoff: skips exp() for most units.
            double maxD2 = cutoff > 0 ? twoSigma2 * Math.log(1 / cutoff) : Double.POSITIVE_INFINITY;
            for (int j = t; j < weights.length; j += threads) {
                float d2 = grid.squaredDistance(bmu, j);
                if (d2 > maxD2) {
                    continue;
                }
                double h = Math.exp(-d2 / twoSigma2);
                if (h <= cutoff) {
                    continue;
                }
                float a = (float) (lr * h);
                float[] w = weights[j];
                for (int i = 0; i < dim; i++) {
                    w[i] += a * (x[i] - w[i]);
                }
            }
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
