package io.vitsom.model.nn;

import ai.djl.nn.Parameter;
import java.util.Map;

/**
 * Sums over a network's parameters by their checkpoint names. Every network reports its size the same way (trained
 * scalars only: batch-norm running statistics, fixed position tables and a codebook updated without gradient are not
 * counted), so the counts in benchmark reports compare across model families.
 */
public final class NamedParameters {
    private NamedParameters() {
    }

    /** Scalars of the parameters that take a gradient and whose name starts with {@code prefix} ({@code ""}: all). */
    public static long trainableScalars(Map<String, Parameter> named, String prefix) {
        return named.entrySet().stream()
                .filter(e -> e.getKey().startsWith(prefix) && e.getValue().requiresGradient())
                .mapToLong(e -> e.getValue().getArray().size()).sum();
    }
}
