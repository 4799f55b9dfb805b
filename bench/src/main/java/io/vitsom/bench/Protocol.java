package io.vitsom.bench;

/** Which images a clustering benchmark trains on and evaluates. */
public enum Protocol {
    /** Train on the training split; evaluate on it and on the test split (the honest protocol). */
    SPLIT,
    /** The paper's protocol: train on train+test concatenated and evaluate on that same set ({@code *_all}). */
    REFERENCE
}
