package io.vitsom.model.adapt;

/**
 * Vigna's SplitMix64 generator: a small, fast, seedable RNG whose whole state is one {@code long}, so a
 * checkpoint can store {@link #state()} and a restored generator continues the exact same sequence.
 *
 * <p>{@link #nextLong()} is bit for bit the reference C code ({@code splitmix64.c}, Sebastiano Vigna); the
 * bounded methods use rejection sampling like {@link java.util.SplittableRandom}, so they are unbiased for
 * every bound. Not thread-safe.
 */
public final class SplitMix64 {

    private static final long GOLDEN_GAMMA = 0x9e3779b97f4a7c15L;

    private long state;

    /**
     * Creates a generator with the given state; any value, including 0, is a valid seed.
     *
     * @param state the initial state, e.g. a seed or a value returned by {@link #state()}
     */
    public SplitMix64(long state) {
        this.state = state;
    }

    /**
     * The current state: a generator constructed with it produces the same values as this one from now on.
     *
     * @return the state
     */
    public long state() {
        return state;
    }

    /**
     * The next 64 random bits.
     *
     * @return a uniformly distributed long
     */
    public long nextLong() {
        long z = (state += GOLDEN_GAMMA);
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    /**
     * A uniformly distributed int in {@code [0, bound)}.
     *
     * @param bound the exclusive upper bound, positive
     * @return the value
     * @throws IllegalArgumentException if {@code bound <= 0}
     */
    public int nextInt(int bound) {
        if (bound <= 0) {
            throw new IllegalArgumentException("bound must be positive, got " + bound);
        }
        // The high half: SplitMix64's upper bits are at least as good as its lower ones.
        int r = (int) (nextLong() >>> 32);
        int m = bound - 1;
        if ((bound & m) == 0) {
            return r & m;
        }
        // Reject the top partial block of [0, 2^31) so every residue is equally likely; the sum overflows
        // (goes negative) exactly when u lies in that block.
        int u = r >>> 1;
        while (u + m - (r = u % bound) < 0) {
            u = (int) (nextLong() >>> 33);
        }
        return r;
    }

    /**
     * A uniformly distributed long in {@code [0, bound)}.
     *
     * @param bound the exclusive upper bound, positive
     * @return the value
     * @throws IllegalArgumentException if {@code bound <= 0}
     */
    public long nextLong(long bound) {
        if (bound <= 0) {
            throw new IllegalArgumentException("bound must be positive, got " + bound);
        }
        long r = nextLong();
        long m = bound - 1;
        if ((bound & m) == 0L) {
            return r & m;
        }
        // Same rejection as nextInt, over [0, 2^63).
        long u = r >>> 1;
        while (u + m - (r = u % bound) < 0L) {
            u = nextLong() >>> 1;
        }
        return r;
    }

    /**
     * A uniformly distributed double in {@code [0, 1)} with 53 random bits.
     *
     * @return the value
     */
    public double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }
}
