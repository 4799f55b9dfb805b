package io.vitsom.model.config;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Turns a config's sections into its tree and YAML text. Every family's {@code toTree} and {@code toYaml} go through
 * here, so they lay out {@code hyperparameters} then {@code data} and format numbers alike, which is what lets
 * {@link ConfigNode} read any of them back equal.
 */
public final class ConfigYaml {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final ObjectMapper JSON = new ObjectMapper();

    private ConfigYaml() {
    }

    /** The tree {@code {hyperparameters: ..., data: ...}} of ordered maps, lists and scalars. */
    public static ObjectNode tree(Map<String, ?> hyperparameters, Map<String, ?> data) {
        var root = new LinkedHashMap<String, Object>();
        root.put("hyperparameters", hyperparameters);
        root.put("data", data);
        return JSON.valueToTree(root);
    }

    /** The tree as YAML text. */
    public static String write(ObjectNode tree) {
        try {
            return YAML.writeValueAsString(tree);
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialise config", e);
        }
    }
}
