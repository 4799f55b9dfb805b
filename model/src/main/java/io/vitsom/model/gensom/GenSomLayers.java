package io.vitsom.model.gensom;

import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import java.util.Map;

/** Checkpoint names of the DJL layers Gen-SOM-Attn's own blocks are made of. */
final class GenSomLayers {
    private GenSomLayers() {
    }

    /**
     * Adds the parameters of {@code block} and of its descendants under PyTorch-like names: {@code prefix.weight},
     * {@code prefix.bias} (a LayerNorm's gamma and beta included), a child's as {@code prefix.<child>.weight} with
     * DJL's numeric child prefix ({@code 01qkv}) dropped.
     */
    static void collect(Block block, String prefix, Map<String, Parameter> out) {
        for (var pair : block.getDirectParameters()) {
            String name = switch (pair.getValue().getType()) {
                case WEIGHT, GAMMA -> "weight";
                case BIAS, BETA -> "bias";
                default -> throw new IllegalStateException("unexpected parameter " + pair.getKey() + " in " + prefix);
            };
            out.put(prefix + "." + name, pair.getValue());
        }
        for (var child : block.getChildren()) {
            collect(child.getValue(), prefix + "." + child.getKey().replaceFirst("^\\d+", ""), out);
        }
    }
}
