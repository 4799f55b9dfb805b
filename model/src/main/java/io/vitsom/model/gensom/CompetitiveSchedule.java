package io.vitsom.model.gensom;

/**
 * The Kohonen map's schedules {@code eta(t)} (learning rate) and {@code sigma(t)} (neighbourhood radius in grid
 * units): each decays exponentially from its start value at step 0 to its end value at step {@code horizonSteps - 1},
 * {@code start * (end / start)^(t / (horizonSteps - 1))}, and holds the end value from there on. Exponential
 * rather than linear decay is the classic SOM choice: the map spends as many steps between 6 and 3 as between 1 and
 * 0.5, so the late fine-tuning is not rushed. A horizon of one step holds the end values from the start.
 *
 * @param etaStart eta at step 0, > 0
 * @param etaEnd eta from the last step on, > 0
 * @param sigmaStart sigma at step 0, > 0
 * @param sigmaEnd sigma from the last step on, > 0
 * @param horizonSteps steps over which the decay runs, > 0
 */
public record CompetitiveSchedule(double etaStart, double etaEnd, double sigmaStart, double sigmaEnd,
                                  long horizonSteps) {
    public CompetitiveSchedule {
        for (double v : new double[] {etaStart, etaEnd, sigmaStart, sigmaEnd}) {
            if (!(v > 0) || !Double.isFinite(v)) {
                throw new IllegalArgumentException("schedule values must be finite and > 0, got eta " + etaStart
                        + " -> " + etaEnd + ", sigma " + sigmaStart + " -> " + sigmaEnd);
            }
        }
        if (horizonSteps <= 0) {
            throw new IllegalArgumentException("horizon steps must be > 0, got " + horizonSteps);
        }
    }

    /** The schedule of {@code config.som()} over {@code horizonSteps} steps. */
    public static CompetitiveSchedule of(GenSomConfig config, long horizonSteps) {
        GenSomConfig.Som som = config.som();
        return new CompetitiveSchedule(som.etaStart(), som.etaEnd(), som.sigmaStart(), som.sigmaEnd(), horizonSteps);
    }

    /** The Kohonen learning rate at {@code step}. */
    public double eta(long step) {
        return decay(etaStart, etaEnd, step);
    }

    /** The neighbourhood radius at {@code step}. */
    public double sigma(long step) {
        return decay(sigmaStart, sigmaEnd, step);
    }

    /** Fraction of the decay done at {@code step}: 0 at step 0 (and before), 1 from the last step on. */
    public double progress(long step) {
        if (horizonSteps == 1) {
            return 1;
        }
        return Math.min(Math.max(step, 0), horizonSteps - 1) / (double) (horizonSteps - 1);
    }

    private double decay(double start, double end, long step) {
        return start * Math.pow(end / start, progress(step));
    }
}
