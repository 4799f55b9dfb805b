package io.vitsom.model.config;

import static io.vitsom.model.config.ConfigException.require;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vitsom.model.som.Topology;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads and writes {@link VitSomConfig} in the reference's YAML layout, through {@link ConfigNode}.
 *
 * <p>Strict on purpose: an unknown key, a missing key or a value of the wrong type fails at load
 * time with a {@link ConfigException} naming the dotted key, so that a typo never silently falls
 * back to a default and changes an experiment.
 */
public final class ConfigLoader {

    private ConfigLoader() {
    }

    /** Loads and validates a YAML config file. */
    public static VitSomConfig load(Path file) throws IOException {
        return parse(ConfigNode.readFile(file), file.toString());
    }

    /** Parses and validates YAML (or JSON) text; {@code source} names it in error messages. */
    public static VitSomConfig parse(String text, String source) {
        return fromTree(ConfigNode.parse(text, source));
    }

    private static VitSomConfig fromTree(ConfigNode root) {
        ConfigNode hp = root.object("hyperparameters");
        ConfigNode som = hp.object("som");
        ConfigNode vit = hp.object("vit");
        ConfigNode opt = hp.object("optimizer");
        ConfigNode data = root.object("data");
        List<Integer> mapSize = som.intList("map_size", 2);
        VitSomConfig.Som somConfig = new VitSomConfig.Som(mapSize.get(0), mapSize.get(1),
                som.number("Tmax"), som.number("Tmin"),
                som.value("distance_fcn", Distance::fromConfig),
                som.value("topology", Topology::fromConfig),
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
            ConfigNode aug = data.object("augment");
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
        for (ConfigNode n : List.of(som, vit, opt, data, hp, root)) {
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
        return ConfigYaml.tree(hp, data);
    }

    /** The config as YAML text in the reference's layout; {@link #parse} reads it back unchanged. */
    public static String toYaml(VitSomConfig config) {
        return ConfigYaml.write(toTree(config));
    }
}
