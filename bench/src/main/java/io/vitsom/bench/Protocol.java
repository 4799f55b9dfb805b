package io.vitsom.bench;

import java.util.Locale;

/** Which images a clustering benchmark trains on and evaluates. */
public enum Protocol {
    /** Train on the training split; evaluate on it and on the test split (the honest protocol). */
    SPLIT,
    /** The paper's protocol: train on train+test concatenated and evaluate on that same set ({@code *_all}). */
    REFERENCE;

    /** Parses {@code split} or {@code reference}. */
    public static Protocol parse(String text) {
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "split" -> SPLIT;
            case "reference" -> REFERENCE;
            default -> throw new IllegalArgumentException("--protocol must be split or reference, got " + text);
        };
    }
}
