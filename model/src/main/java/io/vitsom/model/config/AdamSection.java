package io.vitsom.model.config;

import static io.vitsom.model.config.ConfigException.require;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code hyperparameters.optimizer} of the configs that train with plain Adam at a constant learning rate
 * (Gen-SOM-Attn, the VAE baseline, the SOM-mask networks). One record so that these families accept the same keys
 * with the same checks and messages. URL-SOM's optimizer has a warm-up schedule instead of one rate and ViT-SOM's a
 * cosine schedule, so they keep their own records.
 *
 * @param type always {@code adam}
 * @param learningRate Adam's step size, finite and > 0
 * @param beta1 first-moment decay, in [0, 1)
 * @param beta2 second-moment decay, in [0, 1)
 */
public record AdamSection(String type, double learningRate, double beta1, double beta2) {
    public AdamSection {
        require("adam".equals(type), "hyperparameters.optimizer.type", "must be adam, got '" + type + "'");
        require(learningRate > 0 && Double.isFinite(learningRate), "hyperparameters.optimizer.learning_rate",
                "must be finite and > 0, got " + learningRate);
        require(beta1 >= 0 && beta1 < 1, "hyperparameters.optimizer.beta_1", "must be in [0, 1), got " + beta1);
        require(beta2 >= 0 && beta2 < 1, "hyperparameters.optimizer.beta_2", "must be in [0, 1), got " + beta2);
    }

    /** Reads and validates {@code node} (the {@code hyperparameters.optimizer} mapping). */
    public static AdamSection parse(ConfigNode node) {
        return new AdamSection(node.string("type"), node.number("learning_rate"), node.number("beta_1"),
                node.number("beta_2"));
    }

    /** The section in its YAML layout and key order. */
    public Map<String, Object> toTree() {
        var tree = new LinkedHashMap<String, Object>();
        tree.put("type", type);
        tree.put("learning_rate", learningRate);
        tree.put("beta_1", beta1);
        tree.put("beta_2", beta2);
        return tree;
    }
}
