package io.vitsom.bench.suite;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Plans {@code --budget-minutes} as the suite's whole wall time: from each cell's calibrated costs ({@link CellCost})
 * it decides how many epochs the cell trains and how much of its evaluated sets it evaluates, so that training,
 * evaluation, pictures and dataset loading together fit the time left. A pure function of its inputs
 * ({@link #plan}); the suite calls it once after the calibration (the plan it prints) and again before every cell
 * with the time actually left, so a cell that overran shrinks the cells after it and one that finished early gives
 * them its time.
 *
 * <p>The rules, in order:
 * <ol>
 *   <li>Only {@link #USABLE} of the time left is handed out; the rest absorbs misestimates.</li>
 *   <li>The cells share it evenly. A cell that needs less than its share even at its reference epochs with a full
 *       evaluation gets just that, and the rest is shared by the others again.</li>
 *   <li>A cell whose least run (1 epoch and its smallest evaluation) does not fit its share is skipped, the one
 *       needing the most first, and the others share again, until every remaining cell fits.</li>
 *   <li>A cell that fits its share with one epoch and a full evaluation evaluates in full and trains as many whole
 *       epochs as the rest of its share holds (at least 1, at most its reference epochs). Otherwise it trains one
 *       epoch and its evaluation is cut to the first N images of each evaluated set, N as large as fits.</li>
 * </ol>
 */
public final class BudgetSplit {
    /** Share of the time left that a plan hands out. */
    public static final double USABLE = 0.9;

    private BudgetSplit() {
    }

    /**
     * One set a cell evaluates after training (each seed again), cut to its first N images when the evaluation is
     * cut.
     *
     * @param name what it is, e.g. "test split"
     * @param images its size
     * @param secondsPerImage evaluation seconds per image of it, per seed
     */
    public record EvalSet(String name, int images, double secondsPerImage) {
        public EvalSet {
            Objects.requireNonNull(name, "name");
            if (images <= 0 || !(secondsPerImage >= 0) || Double.isInfinite(secondsPerImage)) {
                throw new IllegalArgumentException("eval set " + name + ": images must be > 0 and seconds per image "
                        + ">= 0, got " + images + " and " + secondsPerImage);
            }
        }
    }

    /**
     * What one cell costs, from its calibration; every figure in wall seconds of this machine.
     *
     * @param dataset the cell's dataset
     * @param model the cell's row
     * @param epochSeconds one epoch of one seed, with what the bench measures after every epoch
     * @param maxEpochs the model's reference epochs, the most a budget gives it
     * @param runs seeds; each trains and evaluates
     * @param runSeconds per seed, whatever the epochs and the evaluation limit (the sampled map-quality metrics)
     * @param cellSeconds once per cell (loading its dataset, the pictures of the first seed)
     * @param evalSets what each seed evaluates after training
     * @param minEvalImages the smallest evaluation limit a cut may choose (every set is evaluated in full when they
     *     are all smaller)
     */
    public record CellCost(String dataset, String model, double epochSeconds, int maxEpochs, int runs,
                           double runSeconds, double cellSeconds, List<EvalSet> evalSets, int minEvalImages) {
        public CellCost {
            Objects.requireNonNull(dataset, "dataset");
            Objects.requireNonNull(model, "model");
            evalSets = List.copyOf(evalSets);
            if (!(epochSeconds > 0) || Double.isInfinite(epochSeconds)) {
                throw new IllegalArgumentException(dataset + " / " + model + ": epochSeconds must be a positive number, "
                        + "got " + epochSeconds);
            }
            if (maxEpochs <= 0 || runs <= 0 || minEvalImages <= 0 || evalSets.isEmpty()) {
                throw new IllegalArgumentException(dataset + " / " + model + ": maxEpochs, runs and minEvalImages must "
                        + "be > 0 and there must be an evaluated set");
            }
            if (!(runSeconds >= 0) || !(cellSeconds >= 0)) {
                throw new IllegalArgumentException(dataset + " / " + model + ": runSeconds and cellSeconds must be >= 0");
            }
        }

        /** The evaluation limit that evaluates every set in full: the largest set. */
        public int fullEvalLimit() {
            return evalSets.stream().mapToInt(EvalSet::images).max().orElseThrow();
        }

        /** The smallest evaluation limit a cut may choose. */
        public int minEvalLimit() {
            return Math.min(minEvalImages, fullEvalLimit());
        }

        /** Seconds of one seed's evaluation with every set cut to its first {@code limit} images. */
        public double evalSeconds(int limit) {
            double sum = 0;
            for (EvalSet set : evalSets) {
                sum += set.secondsPerImage() * Math.min(limit, set.images());
            }
            return sum;
        }

        /** Seconds of the whole cell: every seed's training and evaluation, and the once-per-cell work. */
        public double seconds(int epochs, int limit) {
            return trainSeconds(epochs) + overheadSeconds(limit);
        }

        /** Seconds of {@code epochs} epochs for every seed. */
        public double trainSeconds(int epochs) {
            return runs * epochs * epochSeconds;
        }

        /** Everything but training: every seed's evaluation at {@code limit} and its fixed work, and the cell's. */
        public double overheadSeconds(int limit) {
            return runs * (runSeconds + evalSeconds(limit)) + cellSeconds;
        }

        /** The least the cell can run: one epoch and its smallest evaluation. */
        public double minimumSeconds() {
            return seconds(1, minEvalLimit());
        }

        /** The most the cell runs: its reference epochs and a full evaluation. */
        public double maximumSeconds() {
            return seconds(maxEpochs, fullEvalLimit());
        }

        String label() {
            return dataset + " / " + model;
        }
    }

    /**
     * The plan of one cell.
     *
     * @param epochs epochs to train (0 when skipped)
     * @param evalLimit evaluate the first N images of each evaluated set, or null for all of them
     * @param trainSeconds expected seconds of training, every seed
     * @param evalSeconds expected seconds of everything else: evaluation, pictures, loading
     * @param skipReason why the cell does not run, or null when it runs
     */
    public record CellPlan(CellCost cost, int epochs, Integer evalLimit, double trainSeconds, double evalSeconds,
                           String skipReason) {
        /** Whether the plan leaves the cell out. */
        public boolean skipped() {
            return skipReason != null;
        }

        /** Expected seconds of the cell. */
        public double seconds() {
            return trainSeconds + evalSeconds;
        }
    }

    /**
     * Plans {@code cells}, in their order, into {@code secondsLeft} of wall time (see the class comment for the rules).
     *
     * @return one plan per cell, same order
     */
    public static List<CellPlan> plan(double secondsLeft, List<CellCost> cells) {
        double usable = Math.max(0, secondsLeft) * USABLE;
        int n = cells.size();
        boolean[] dropped = new boolean[n];
        String[] reasons = new String[n];
        boolean[] capped = new boolean[n];
        while (true) {
            double pool = usable;
            int free = 0;
            for (int i = 0; i < n; i++) {
                if (dropped[i]) {
                    continue;
                }
                if (capped[i]) {
                    pool -= cells.get(i).maximumSeconds();
                } else {
                    free++;
                }
            }
            if (free == 0) {
                break;
            }
            double share = pool / free;
            boolean changed = false;
            for (int i = 0; i < n; i++) {
                if (!dropped[i] && !capped[i] && cells.get(i).maximumSeconds() <= share) {
                    capped[i] = true;
                    changed = true;
                }
            }
            if (changed) {
                continue;
            }
            int worst = -1;
            for (int i = 0; i < n; i++) {
                if (!dropped[i] && !capped[i] && cells.get(i).minimumSeconds() > share
                        && (worst < 0 || cells.get(i).minimumSeconds() >= cells.get(worst).minimumSeconds())) {
                    worst = i;
                }
            }
            if (worst < 0) {
                break;
            }
            dropped[worst] = true;
            CellCost c = cells.get(worst);
            reasons[worst] = String.format(Locale.ROOT, "budget: one epoch and the smallest evaluation (first %d images"
                            + " of each evaluated set) need %.0f s, more than this cell's share of the time left "
                            + "(%.0f s: %.0f%% of %.0f s over %d cell(s))", c.minEvalLimit(), c.minimumSeconds(),
                    share, USABLE * 100, Math.max(0, secondsLeft), free);
        }
        double pool = usable;
        int free = 0;
        for (int i = 0; i < n; i++) {
            if (!dropped[i] && capped[i]) {
                pool -= cells.get(i).maximumSeconds();
            } else if (!dropped[i]) {
                free++;
            }
        }
        double share = free == 0 ? 0 : pool / free;
        List<CellPlan> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            CellCost c = cells.get(i);
            if (dropped[i]) {
                out.add(new CellPlan(c, 0, null, 0, 0, reasons[i]));
            } else if (capped[i]) {
                out.add(runs(c, c.maxEpochs(), c.fullEvalLimit()));
            } else {
                out.add(fit(c, share));
            }
        }
        return out;
    }

    /** A cell whose least run fits {@code share}: a full evaluation and as many epochs as fit, else one epoch. */
    private static CellPlan fit(CellCost c, double share) {
        int full = c.fullEvalLimit();
        if (c.seconds(1, full) <= share) {
            int epochs = (int) Math.floor((share - c.overheadSeconds(full)) / c.trainSeconds(1));
            return runs(c, Math.max(1, Math.min(c.maxEpochs(), epochs)), full);
        }
        // The largest limit that fits with one epoch: the cost grows with the limit, so bisect.
        int lo = c.minEvalLimit();
        int hi = full - 1;
        while (lo < hi) {
            int mid = lo + (hi - lo + 1) / 2;
            if (c.seconds(1, mid) <= share) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return runs(c, 1, lo);
    }

    private static CellPlan runs(CellCost c, int epochs, int limit) {
        Integer evalLimit = limit >= c.fullEvalLimit() ? null : limit;
        return new CellPlan(c, epochs, evalLimit, c.trainSeconds(epochs), c.overheadSeconds(limit), null);
    }
}
