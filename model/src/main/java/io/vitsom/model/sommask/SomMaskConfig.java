package io.vitsom.model.sommask;

import static io.vitsom.model.config.ConfigException.require;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vitsom.model.config.AdamSection;
import io.vitsom.model.config.ConfigException;
import io.vitsom.model.config.ConfigNode;
import io.vitsom.model.config.ConfigYaml;
import io.vitsom.model.config.DataSection;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * The immutable, validated configuration of a SOM-as-a-mask network (seed paper 002) and of the comparison run
 * around it. Read it with {@link #parse} or {@link #load}: strict, so an unknown key, a missing key or a value of the
 * wrong type fails with a {@link ConfigException} naming the dotted key; {@link #toYaml} reads back equal. Layout:
 *
 * <pre>
 * hyperparameters:
 *   model_arch: som_mask
 *   network: fc                 # fc | cnn (a SOM over the whole image gates conv channels) | conv_som (gray patches)
 *   total_epochs: 10
 *   batch_size: 64
 *   hidden: [100, 100]          # fully connected hidden layers (after the conv layers for cnn / conv_som)
 *   conv:                       # cnn and conv_som only: k x k same-padded convolutions, each followed by 2x2 max-pool
 *     channels: [32, 64]
 *     kernel: 5
 *   masked_layers: 2            # the first N hidden layers (fc) or conv layers (cnn, conv_som) carry a SOM mask
 *   activation: relu            # relu | tanh
 *   mask:
 *     position: before_activation  # before_activation (SOM-ReLU) | after_activation (ReLU-SOM)
 *     organize_sigma: 1.0       # the SOM's own neighbourhood (its competitive update); inf allowed
 *     forward_sigma: 5.0        # the forwarding mask's width; inf: all ones
 *     keep_top: 0               # 0: no threshold; N: only the N units nearest the winner
 *     keep_top_percent: 0.0     # 0: no threshold; P: only round(P% of the layer) units (at least 1)
 *     learning_rate: 0.1        # the SOM's step size
 *     patch_size: 5             # conv_som only: side of the gray patches the SOM reads
 *   optimizer:
 *     type: adam
 *     learning_rate: 0.001
 *     beta_1: 0.9
 *     beta_2: 0.999
 *   comparison: [full, som_mask_k5, pruned_k5, dropout_k5]  # arms trained beside the masked network; [] for none
 *   sigma_sweep: [inf, 50, 20, 5]   # one arm per sigma (organising and forwarding); [] for none
 * data:
 *   dataset: mnist
 *   num_classes: 10
 *   num_channels: 1
 *   input_size: 28
 * </pre>
 *
 * <p>The comparison arms are named in {@link Arm#parse}. Keys that do not apply to the chosen {@code network}
 * ({@code conv} for fc, {@code mask.patch_size} except for conv_som) are rejected, so that a value without effect never
 * reads as if it had one.
 *
 * @param modelArch always {@code som_mask}
 * @param network the network family
 * @param totalEpochs training epochs of every arm
 * @param batchSize images per step
 * @param hidden widths of the fully connected hidden layers
 * @param conv the convolutions; {@code null} for {@link Network#FC}
 * @param maskedLayers how many of the first hidden (fc) or conv (cnn, conv_som) layers are masked
 * @param activation the hidden layers' activation
 * @param mask the SOMs and their masks
 * @param optimizer Adam
 * @param comparison names of the comparison arms
 * @param sigmaSweep one arm per sigma; {@code Double.POSITIVE_INFINITY} for the network without SOM
 * @param data the input; a classifier, so at least 2 classes
 */
public record SomMaskConfig(
        String modelArch, Network network, int totalEpochs, int batchSize, List<Integer> hidden, Conv conv,
        int maskedLayers, Activation activation, Mask mask, AdamSection optimizer, List<String> comparison,
        List<Double> sigmaSweep, DataSection data) {

    /** The only {@code hyperparameters.model_arch} of this record. */
    public static final String MODEL_ARCH = "som_mask";

    /** {@code hyperparameters.network}. */
    public enum Network {
        /** Fully connected layers, each masked layer's SOM reading that layer's input. */
        FC("fc"),
        /** Convolutions whose output channels a SOM over the whole image gates, one mask per image. */
        CNN("cnn"),
        /** Convolutions whose channels a SOM over gray patches gates, one mask per spatial position. */
        CONV_SOM("conv_som");

        private final String configName;

        Network(String configName) {
            this.configName = configName;
        }

        /** The name in YAML. */
        public String configName() {
            return configName;
        }

        static Network fromConfig(String name) {
            for (Network n : values()) {
                if (n.configName.equals(name)) {
                    return n;
                }
            }
            throw new IllegalArgumentException("must be fc, cnn or conv_som, got '" + name + "'");
        }
    }

    /** {@code hyperparameters.activation}. */
    public enum Activation {
        /** ReLU: with a non-negative mask, masking before or after it gives the same output. */
        RELU("relu"),
        /** tanh: masking before it ({@code tanh(m z)}) and after it ({@code m tanh(z)}) differ. */
        TANH("tanh");

        private final String configName;

        Activation(String configName) {
            this.configName = configName;
        }

        /** The name in YAML. */
        public String configName() {
            return configName;
        }

        static Activation fromConfig(String name) {
            for (Activation a : values()) {
                if (a.configName.equals(name)) {
                    return a;
                }
            }
            throw new IllegalArgumentException("must be relu or tanh, got '" + name + "'");
        }
    }

    /** {@code hyperparameters.mask.position}: the seed's "SOM-ReLU vs ReLU-SOM". */
    public enum MaskPosition {
        /** {@code act(m * z)}: SOM-ReLU, the seed's slightly better order. */
        BEFORE_ACTIVATION("before_activation"),
        /** {@code m * act(z)}: ReLU-SOM. */
        AFTER_ACTIVATION("after_activation");

        private final String configName;

        MaskPosition(String configName) {
            this.configName = configName;
        }

        /** The name in YAML. */
        public String configName() {
            return configName;
        }

        static MaskPosition fromConfig(String name) {
            for (MaskPosition p : values()) {
                if (p.configName.equals(name)) {
                    return p;
                }
            }
            throw new IllegalArgumentException("must be before_activation or after_activation, got '" + name + "'");
        }
    }

    /**
     * {@code hyperparameters.conv}: same-padded {@code kernel x kernel} convolutions, each followed by a 2x2 max-pool.
     *
     * @param channels output channels of each conv layer
     * @param kernel odd kernel side
     */
    public record Conv(List<Integer> channels, int kernel) {
        public Conv {
            channels = List.copyOf(channels);
            require(!channels.isEmpty(), "hyperparameters.conv.channels", "must name at least one layer");
            for (int c : channels) {
                require(c > 0, "hyperparameters.conv.channels", "must be positive, got " + channels);
            }
            require(kernel > 0 && kernel % 2 == 1, "hyperparameters.conv.kernel", "must be odd and positive, got "
                    + kernel);
        }
    }

    /**
     * {@code hyperparameters.mask}.
     *
     * @param position mask before or after the activation
     * @param organizeSigma the SOM update's neighbourhood width, > 0 or infinite
     * @param forwardSigma the forwarding mask's width, > 0 or infinite (all ones)
     * @param keepTop 0, or the number of units nearest the winner that stay active
     * @param keepTopPercent 0, or the percentage of each masked layer that stays active
     * @param learningRate the SOM's step size, in (0, 1]
     * @param patchSize side of the gray patches of conv_som (odd); 0 for the other networks
     */
    public record Mask(MaskPosition position, double organizeSigma, double forwardSigma, int keepTop,
                       double keepTopPercent, double learningRate, int patchSize) {
        public Mask {
            Objects.requireNonNull(position, "position");
            require(organizeSigma > 0, "hyperparameters.mask.organize_sigma", "must be > 0 or inf, got " + organizeSigma);
            require(forwardSigma > 0, "hyperparameters.mask.forward_sigma", "must be > 0 or inf, got " + forwardSigma);
            require(keepTop >= 0, "hyperparameters.mask.keep_top", "must be >= 0, got " + keepTop);
            require(keepTopPercent >= 0 && keepTopPercent <= 100, "hyperparameters.mask.keep_top_percent",
                    "must be in [0, 100], got " + keepTopPercent);
            require(keepTop == 0 || keepTopPercent == 0, "hyperparameters.mask.keep_top",
                    "keep_top and keep_top_percent cannot both be set; one must be 0");
            require(learningRate > 0 && learningRate <= 1, "hyperparameters.mask.learning_rate",
                    "must be in (0, 1], got " + learningRate);
            require(patchSize >= 0 && (patchSize == 0 || patchSize % 2 == 1), "hyperparameters.mask.patch_size",
                    "must be odd and positive, got " + patchSize);
        }

        /** Units kept active in a layer of {@code width}: 0 (all) without a threshold. */
        public int keep(int width) {
            if (keepTop > 0) {
                return keepTop;
            }
            return keepTopPercent > 0 ? Math.max(1, (int) Math.round(keepTopPercent / 100 * width)) : 0;
        }

        /** The same mask with another threshold. */
        public Mask withKeep(int top, double percent) {
            return new Mask(position, organizeSigma, forwardSigma, top, percent, learningRate, patchSize);
        }

        /** The same mask with one sigma for organising and forwarding. */
        public Mask withSigma(double sigma) {
            return new Mask(position, sigma, sigma, keepTop, keepTopPercent, learningRate, patchSize);
        }
    }

    public SomMaskConfig {
        Objects.requireNonNull(network, "network");
        Objects.requireNonNull(activation, "activation");
        Objects.requireNonNull(mask, "mask");
        Objects.requireNonNull(optimizer, "optimizer");
        Objects.requireNonNull(data, "data");
        data.requireClasses(2);
        hidden = List.copyOf(hidden);
        comparison = List.copyOf(comparison);
        sigmaSweep = List.copyOf(sigmaSweep);
        require(MODEL_ARCH.equals(modelArch), "hyperparameters.model_arch", "must be som_mask, got '" + modelArch + "'");
        require(totalEpochs > 0, "hyperparameters.total_epochs", "must be > 0, got " + totalEpochs);
        require(batchSize > 0, "hyperparameters.batch_size", "must be > 0, got " + batchSize);
        require(!hidden.isEmpty(), "hyperparameters.hidden", "must name at least one layer");
        for (int h : hidden) {
            require(h > 0, "hyperparameters.hidden", "must be positive, got " + hidden);
        }
        require((conv == null) == (network == Network.FC), "hyperparameters.conv",
                network == Network.FC ? "does not apply to network fc: remove it" : "is required for " + network.configName);
        require((mask.patchSize() > 0) == (network == Network.CONV_SOM), "hyperparameters.mask.patch_size",
                network == Network.CONV_SOM ? "is required for conv_som" : "applies to conv_som only: remove it");
        if (conv != null) {
            int pooled = data.inputSize() >> conv.channels().size();
            require(pooled > 0 && pooled << conv.channels().size() == data.inputSize(), "hyperparameters.conv.channels",
                    "each conv layer halves the image: data.input_size " + data.inputSize() + " must be divisible by 2^"
                            + conv.channels().size());
        }
        List<Integer> maskable = network == Network.FC ? hidden : conv.channels();
        require(maskedLayers >= 1 && maskedLayers <= maskable.size(), "hyperparameters.masked_layers",
                "must be in [1, " + maskable.size() + "] (the " + (network == Network.FC ? "hidden" : "conv")
                        + " layers), got " + maskedLayers);
        int narrowest = maskable.subList(0, maskedLayers).stream().mapToInt(Integer::intValue).min().orElseThrow();
        require(mask.keepTop() <= narrowest, "hyperparameters.mask.keep_top",
                "must be <= the narrowest masked layer (" + narrowest + "), got " + mask.keepTop());
        Set<String> names = new HashSet<>(List.of(Arm.PRIMARY));
        for (String name : comparison) {
            Arm arm;
            try {
                arm = Arm.parse(name);
            } catch (IllegalArgumentException e) {
                throw new ConfigException("hyperparameters.comparison", e.getMessage());
            }
            require(arm.count() <= narrowest, "hyperparameters.comparison",
                    "arm " + name + " needs at most " + narrowest + " neurons (the narrowest masked layer)");
            require(names.add(name), "hyperparameters.comparison", "names " + name + " twice (or the main arm)");
        }
        for (double sigma : sigmaSweep) {
            require(sigma > 0, "hyperparameters.sigma_sweep", "must hold values > 0 or inf, got " + sigmaSweep);
            require(names.add(Arm.sigmaName(sigma)), "hyperparameters.sigma_sweep", "repeats " + sigmaText(sigma));
        }
    }

    /** The layer widths the masks apply to: the first {@link #maskedLayers} hidden (fc) or conv layers. */
    public List<Integer> maskedWidths() {
        List<Integer> maskable = network == Network.FC ? hidden : conv.channels();
        return maskable.subList(0, maskedLayers);
    }

    /** Every arm of a run: the configured SOM-masked network first, then the comparison, then the sigma sweep. */
    public List<Arm> arms() {
        List<Arm> out = new ArrayList<>();
        out.add(new Arm.Primary());
        comparison.forEach(name -> out.add(Arm.parse(name)));
        sigmaSweep.forEach(sigma -> out.add(new Arm.Sigma(sigma)));
        return out;
    }

    /** The same config with another epoch count. */
    public SomMaskConfig withTotalEpochs(int epochs) {
        return new SomMaskConfig(modelArch, network, epochs, batchSize, hidden, conv, maskedLayers, activation, mask,
                optimizer, comparison, sigmaSweep, data);
    }

    /** The same config with other comparison arms and sweep (tests and small runs). */
    public SomMaskConfig withArms(List<String> arms, List<Double> sweep) {
        return new SomMaskConfig(modelArch, network, totalEpochs, batchSize, hidden, conv, maskedLayers, activation,
                mask, optimizer, arms, sweep, data);
    }

    /** Loads and validates a YAML config file. */
    public static SomMaskConfig load(Path file) throws IOException {
        return parse(ConfigNode.readFile(file), file.toString());
    }

    /** Parses and validates YAML (or JSON) text; {@code source} names it in error messages. */
    public static SomMaskConfig parse(String text, String source) {
        ConfigNode root = ConfigNode.parse(text, source);
        ConfigNode hp = root.object("hyperparameters");
        String arch = hp.string("model_arch");
        Network network = hp.value("network", Network::fromConfig);
        ConfigNode maskNode = hp.object("mask");
        Conv conv = null;
        ConfigNode convNode = null;
        if (network == Network.FC) {
            reject(hp, "conv", "network fc");
        } else {
            convNode = hp.object("conv");
            conv = new Conv(convNode.intList("channels"), convNode.integer("kernel"));
        }
        int patch = 0;
        if (network == Network.CONV_SOM) {
            patch = maskNode.integer("patch_size");
        } else {
            reject(maskNode, "patch_size", "network " + network.configName());
        }
        Mask mask = new Mask(maskNode.value("position", MaskPosition::fromConfig), sigma(maskNode, "organize_sigma"),
                sigma(maskNode, "forward_sigma"), maskNode.integer("keep_top"), maskNode.number("keep_top_percent"),
                maskNode.number("learning_rate"), patch);
        ConfigNode opt = hp.object("optimizer");
        AdamSection optimizer = AdamSection.parse(opt);
        List<Double> sweep = new ArrayList<>();
        for (String s : hp.scalarList("sigma_sweep")) {
            sweep.add(sigmaValue(s, hp.path("sigma_sweep")));
        }
        ConfigNode dataNode = root.object("data");
        DataSection data = DataSection.parse(dataNode, 2);
        SomMaskConfig config = new SomMaskConfig(arch, network, hp.integer("total_epochs"), hp.integer("batch_size"),
                hp.intList("hidden"), conv, hp.integer("masked_layers"), hp.value("activation", Activation::fromConfig),
                mask, optimizer, hp.scalarList("comparison"), sweep, data);
        List<ConfigNode> nodes = new ArrayList<>(List.of(maskNode, opt, dataNode, hp, root));
        if (convNode != null) {
            nodes.add(0, convNode);
        }
        nodes.forEach(ConfigNode::rejectUnknown);
        return config;
    }

    /** A sigma: a number > 0, or the word {@code inf}. */
    private static double sigma(ConfigNode node, String key) {
        try {
            return node.number(key);
        } catch (ConfigException notANumber) {
            return sigmaValue(node.string(key), node.path(key));
        }
    }

    private static double sigmaValue(String text, String path) {
        if (text.equals("inf")) {
            return Double.POSITIVE_INFINITY;
        }
        try {
            return Double.parseDouble(text);
        } catch (NumberFormatException e) {
            throw new ConfigException(path, "must be a number > 0 or inf, got '" + text + "'");
        }
    }

    /** How a sigma is written in YAML and in arm names: {@code inf}, {@code 50} or {@code 2.5}. */
    public static String sigmaText(double sigma) {
        if (Double.isInfinite(sigma)) {
            return "inf";
        }
        return sigma == Math.rint(sigma) ? Long.toString((long) sigma) : String.format(Locale.ROOT, "%s", sigma);
    }

    private static Object sigmaYaml(double sigma) {
        return Double.isInfinite(sigma) ? "inf" : sigma;
    }

    private static void reject(ConfigNode node, String key, String what) {
        if (node.has(key)) {
            throw new ConfigException(node.path(key), "does not apply to " + what + ": remove it");
        }
    }

    /** The config as a tree in its YAML layout. */
    public ObjectNode toTree() {
        var maskTree = new LinkedHashMap<String, Object>();
        maskTree.put("position", mask.position().configName());
        maskTree.put("organize_sigma", sigmaYaml(mask.organizeSigma()));
        maskTree.put("forward_sigma", sigmaYaml(mask.forwardSigma()));
        maskTree.put("keep_top", mask.keepTop());
        maskTree.put("keep_top_percent", mask.keepTopPercent());
        maskTree.put("learning_rate", mask.learningRate());
        if (network == Network.CONV_SOM) {
            maskTree.put("patch_size", mask.patchSize());
        }
        var hp = new LinkedHashMap<String, Object>();
        hp.put("model_arch", modelArch);
        hp.put("network", network.configName());
        hp.put("total_epochs", totalEpochs);
        hp.put("batch_size", batchSize);
        hp.put("hidden", hidden);
        if (conv != null) {
            var convTree = new LinkedHashMap<String, Object>();
            convTree.put("channels", conv.channels());
            convTree.put("kernel", conv.kernel());
            hp.put("conv", convTree);
        }
        hp.put("masked_layers", maskedLayers);
        hp.put("activation", activation.configName());
        hp.put("mask", maskTree);
        hp.put("optimizer", optimizer.toTree());
        hp.put("comparison", comparison);
        hp.put("sigma_sweep", sigmaSweep.stream().map(SomMaskConfig::sigmaYaml).toList());
        return ConfigYaml.tree(hp, data.toTree());
    }

    /** The config as YAML text; {@link #parse} reads it back equal. */
    public String toYaml() {
        return ConfigYaml.write(toTree());
    }
}
