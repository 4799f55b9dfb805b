package io.vitsom.model.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.vitsom.model.som.Topology;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads and writes {@link VitSomConfig} in the reference's YAML layout.
 *
 * <p>Strict on purpose: an unknown key, a missing key or a value of the wrong type fails at load
 * time with a {@link ConfigException} naming the dotted key, so that a typo never silently falls
 * back to a default and changes an experiment.
 */
public final class ConfigLoader {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final ObjectMapper JSON = new ObjectMapper();

    private ConfigLoader() {
    }

    /** Loads and validates a YAML config file. */
    public static VitSomConfig load(Path file) throws IOException {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(file.toString(), null, "config file not found");
        }
        return parse(text, file.toString());
    }

    /** Parses and validates YAML (or JSON) text; {@code source} names it in error messages. */
    public static VitSomConfig parse(String text, String source) {
        JsonNode root;
        try {
            root = YAML.readTree(text);
        } catch (IOException e) {
            throw new ConfigException("(file)", source + " is not valid YAML: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw new ConfigException("(file)", source + " must hold a YAML mapping with hyperparameters and data");
        }
        return fromTree(new Node("", root));
    }

    private static VitSomConfig fromTree(Node root) {
        Node hp = root.object("hyperparameters");
        Node som = hp.object("som");
        Node vit = hp.object("vit");
        Node opt = hp.object("optimizer");
        Node data = root.object("data");
        List<Integer> mapSize = som.intList("map_size", 2);
        VitSomConfig.Som somConfig = new VitSomConfig.Som(mapSize.get(0), mapSize.get(1),
                som.number("Tmax"), som.number("Tmin"),
                enumValue(som, "distance_fcn", Distance::fromConfig),
                enumValue(som, "topology", Topology::fromConfig),
                som.bool("use_reduced"));
        VitSomConfig.Vit vitConfig = new VitSomConfig.Vit(vit.integer("patch_size"), vit.integer("emb_dim"),
                vit.integer("depth"), vit.integer("dec_emb_dim"), vit.integer("dec_depth"), vit.integer("heads"),
                vit.number("mlp_ratio"), vit.bool("qkv_bias"), vit.bool("qk_norm"), vit.number("proj_drop"),
                vit.number("attn_drop"), vit.number("drop_path"), vit.bool("global_pool"));
        require(vitConfig.qkvBias(), "hyperparameters.vit.qkv_bias", "only qkv_bias: true is implemented (as the reference)");
        require(!vitConfig.qkNorm(), "hyperparameters.vit.qk_norm", "qk_norm: true is not implemented (the reference ignores it)");
        VitSomConfig.Optimizer optConfig = new VitSomConfig.Optimizer(opt.string("type"), opt.number("lr"),
                opt.number("min_lr"), opt.number("beta_1"), opt.number("beta_2"), opt.string("scheduler"),
                opt.number("warmup_epochs"), opt.number("weight_decay"), opt.number("layer_decay"),
                opt.number("smoothing"));
        VitSomConfig.Augment augment = VitSomConfig.Augment.none();
        if (data.has("augment")) {
            Node aug = data.object("augment");
            augment = new VitSomConfig.Augment(aug.number("horizontal_flip"), aug.integer("randaug_n"),
                    aug.numberList("resize_scale", 2), aug.numberList("resize_ratio", 2), aug.number("reprob"),
                    aug.string("remode"), aug.integer("recount"), aug.bool("autoaugment"));
            aug.rejectUnknown();
        }
        VitSomConfig.Data dataConfig = new VitSomConfig.Data(data.string("dataset"), data.integer("num_classes"),
                data.integer("num_channels"), data.integer("input_size"),
                data.has("num_workers") ? data.integer("num_workers") : 0, augment);
        VitSomConfig config = new VitSomConfig(hp.string("model_arch"), hp.integer("total_epochs"),
                hp.integer("batch_size"), hp.number("gamma"), somConfig, vitConfig, optConfig, dataConfig);
        for (Node n : List.of(som, vit, opt, data, hp, root)) {
            n.rejectUnknown();
        }
        return config;
    }

    /** The config as a tree in the reference's layout (for checkpoints, JSON exports and YAML output). */
    public static ObjectNode toTree(VitSomConfig c) {
        Map<String, Object> som = new LinkedHashMap<>();
        som.put("map_size", List.of(c.som().rows(), c.som().cols()));
        som.put("Tmax", c.som().tMax());
        som.put("Tmin", c.som().tMin());
        som.put("distance_fcn", c.som().distance().configName());
        som.put("topology", c.som().topology().configName());
        som.put("use_reduced", c.som().useReduced());
        Map<String, Object> vit = new LinkedHashMap<>();
        vit.put("patch_size", c.vit().patchSize());
        vit.put("emb_dim", c.vit().embDim());
        vit.put("depth", c.vit().depth());
        vit.put("dec_emb_dim", c.vit().decEmbDim());
        vit.put("dec_depth", c.vit().decDepth());
        vit.put("heads", c.vit().heads());
        vit.put("mlp_ratio", c.vit().mlpRatio());
        vit.put("qkv_bias", c.vit().qkvBias());
        vit.put("qk_norm", c.vit().qkNorm());
        vit.put("proj_drop", c.vit().projDrop());
        vit.put("attn_drop", c.vit().attnDrop());
        vit.put("drop_path", c.vit().dropPath());
        vit.put("global_pool", c.vit().globalPool());
        Map<String, Object> opt = new LinkedHashMap<>();
        opt.put("type", c.optimizer().type());
        opt.put("lr", c.optimizer().lr());
        opt.put("min_lr", c.optimizer().minLr());
        opt.put("beta_1", c.optimizer().beta1());
        opt.put("beta_2", c.optimizer().beta2());
        opt.put("scheduler", c.optimizer().scheduler());
        opt.put("warmup_epochs", c.optimizer().warmupEpochs());
        opt.put("weight_decay", c.optimizer().weightDecay());
        opt.put("layer_decay", c.optimizer().layerDecay());
        opt.put("smoothing", c.optimizer().smoothing());
        Map<String, Object> hp = new LinkedHashMap<>();
        hp.put("model_arch", c.modelArch());
        hp.put("total_epochs", c.totalEpochs());
        hp.put("batch_size", c.batchSize());
        hp.put("gamma", c.gamma());
        hp.put("som", som);
        hp.put("vit", vit);
        hp.put("optimizer", opt);
        VitSomConfig.Augment a = c.data().augment();
        Map<String, Object> augment = new LinkedHashMap<>();
        augment.put("horizontal_flip", a.horizontalFlip());
        augment.put("randaug_n", a.randaugN());
        augment.put("resize_scale", a.resizeScale());
        augment.put("resize_ratio", a.resizeRatio());
        augment.put("reprob", a.reprob());
        augment.put("remode", a.remode());
        augment.put("recount", a.recount());
        augment.put("autoaugment", a.autoaugment());
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("dataset", c.data().dataset());
        data.put("num_classes", c.data().numClasses());
        data.put("num_channels", c.data().numChannels());
        data.put("input_size", c.data().inputSize());
        data.put("num_workers", c.data().numWorkers());
        data.put("augment", augment);
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("hyperparameters", hp);
        root.put("data", data);
        return JSON.valueToTree(root);
    }

    /** The config as YAML text in the reference's layout; {@link #parse} reads it back unchanged. */
    public static String toYaml(VitSomConfig config) {
        try {
            return YAML.writeValueAsString(toTree(config));
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialise config", e);
        }
    }

    private interface Parser<T> {
        T parse(String value);
    }

    private static <T> T enumValue(Node node, String key, Parser<T> parser) {
        String value = node.string(key);
        try {
            return parser.parse(value);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(node.path(key), e.getMessage());
        }
    }

    private static void require(boolean ok, String key, String problem) {
        if (!ok) {
            throw new ConfigException(key, problem);
        }
    }

    /** A mapping being read, remembering which keys were consumed so the rest can be reported. */
    private static final class Node {
        private final String prefix;
        private final JsonNode json;
        private final Set<String> seen = new TreeSet<>();

        Node(String prefix, JsonNode json) {
            this.prefix = prefix;
            this.json = json;
        }

        String path(String key) {
            return prefix.isEmpty() ? key : prefix + "." + key;
        }

        boolean has(String key) {
            return json.has(key);
        }

        private JsonNode get(String key) {
            seen.add(key);
            JsonNode value = json.get(key);
            if (value == null || value.isNull()) {
                throw new ConfigException(path(key), "missing");
            }
            return value;
        }

        Node object(String key) {
            JsonNode value = get(key);
            if (!value.isObject()) {
                throw new ConfigException(path(key), "must be a mapping, got " + describe(value));
            }
            return new Node(path(key), value);
        }

        String string(String key) {
            JsonNode value = get(key);
            if (!value.isTextual()) {
                throw new ConfigException(path(key), "must be a string, got " + describe(value));
            }
            return value.asText();
        }

        int integer(String key) {
            JsonNode value = get(key);
            if (!value.isIntegralNumber() || !value.canConvertToInt()) {
                throw new ConfigException(path(key), "must be an integer, got " + describe(value));
            }
            return value.intValue();
        }

        double number(String key) {
            JsonNode value = get(key);
            return asNumber(value, path(key));
        }

        boolean bool(String key) {
            JsonNode value = get(key);
            if (!value.isBoolean()) {
                throw new ConfigException(path(key), "must be true or false, got " + describe(value));
            }
            return value.booleanValue();
        }

        List<Integer> intList(String key, int size) {
            JsonNode value = list(key, size);
            List<Integer> out = new ArrayList<>();
            for (JsonNode v : value) {
                if (!v.isIntegralNumber()) {
                    throw new ConfigException(path(key), "must hold integers, got " + describe(v));
                }
                out.add(v.intValue());
            }
            return out;
        }

        List<Double> numberList(String key, int size) {
            JsonNode value = list(key, size);
            List<Double> out = new ArrayList<>();
            for (JsonNode v : value) {
                out.add(asNumber(v, path(key)));
            }
            return out;
        }

        private JsonNode list(String key, int size) {
            JsonNode value = get(key);
            if (!value.isArray() || value.size() != size) {
                throw new ConfigException(path(key), "must be a list of " + size + " values, got " + describe(value));
            }
            return value;
        }

        void rejectUnknown() {
            List<String> unknown = new ArrayList<>();
            for (Iterator<String> it = json.fieldNames(); it.hasNext(); ) {
                String name = it.next();
                if (!seen.contains(name)) {
                    unknown.add(name);
                }
            }
            if (!unknown.isEmpty()) {
                throw new ConfigException(path(unknown.get(0)), "unknown key (known here: " + seen + ")");
            }
        }

        private static double asNumber(JsonNode value, String path) {
            if (value.isNumber()) {
                return value.doubleValue();
            }
            // YAML 1.1 readers (PyYAML, as the reference uses) read "1e-5" without a dot as a string.
            if (value.isTextual()) {
                try {
                    return Double.parseDouble(value.asText());
                } catch (NumberFormatException e) {
                    // fall through to the error below
                }
            }
            throw new ConfigException(path, "must be a number, got " + describe(value));
        }

        private static String describe(JsonNode value) {
            String text = value.toString();
            return value.getNodeType().name().toLowerCase() + " " + (text.length() > 40 ? text.substring(0, 40) + "..." : text);
        }
    }
}
