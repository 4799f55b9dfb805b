package io.vitsom.bench;

/**
 * The checks of the {@code --epochs}, {@code --limit} and {@code --runs} options that every benchmark takes. One
 * place, so that each benchmark rejects the same values with the same message.
 */
public final class RunOptions {
    private RunOptions() {
    }

    /**
     * Checks the run-size options.
     *
     * @param epochs {@code --epochs}, null for the config's own
     * @param limit {@code --limit}, null for all images
     * @param runs {@code --runs}
     * @throws IllegalArgumentException naming the first option out of range
     */
    public static void require(Integer epochs, Integer limit, int runs) {
        if (epochs != null && epochs <= 0) {
            throw new IllegalArgumentException("--epochs must be > 0, got " + epochs);
        }
        if (limit != null && limit <= 0) {
            throw new IllegalArgumentException("--limit must be > 0, got " + limit);
        }
        if (runs <= 0) {
            throw new IllegalArgumentException("--runs must be > 0, got " + runs);
        }
    }
}
