package io.vitsom.model.train;

/**
 * The reference's schedules as pure functions of the step or epoch (unit-tested against hand values).
 */
public final class Schedules {
    private Schedules() {
    }

    /**
     * SOM temperature {@code T(t) = Tmax * (Tmin / Tmax)^(t / (totalIterations - 1))}; it reaches Tmin at
     * {@code t = totalIterations - 1} and keeps decaying past it, exactly as the reference.
     */
    public static double temperature(double tMax, double tMin, long iteration, double totalIterations) {
        if (totalIterations <= 1) {
            return tMin;
        }
        return tMax * Math.pow(tMin / tMax, iteration / (totalIterations - 1));
    }

    /** SOM-loss weight: {@code gamma * min(1, t / rampEnd)}, a linear ramp over the first half of training. */
    public static double gamma(double gamma, long iteration, long rampEndStep) {
        if (rampEndStep <= 0) {
            return gamma;
        }
        return gamma * Math.min(1.0, (double) iteration / rampEndStep);
    }

    /**
     * Per-epoch LR factor of the reference's LambdaLR:
     * {@code max(min_lr, min((e + 1) / (warmup + 1e-8), 0.5 * (cos(pi * e / total) + 1)))}.
     * Note {@code min_lr} floors the factor, not the learning rate, as in the reference.
     */
    public static double lrFactor(int epoch, double warmupEpochs, int totalEpochs, double minLr) {
        double warmup = (epoch + 1) / (warmupEpochs + 1e-8);
        double cosine = 0.5 * (Math.cos((double) epoch / totalEpochs * Math.PI) + 1);
        return Math.max(minLr, Math.min(warmup, cosine));
    }

    /** Base learning rate scaled by batch size: {@code lr * batch / 256}. */
    public static double baseLearningRate(double lr, int batchSize) {
        return lr * batchSize / 256.0;
    }
}
