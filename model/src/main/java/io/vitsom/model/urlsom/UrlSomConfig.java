package io.vitsom.model.urlsom;

import static io.vitsom.model.config.ConfigException.require;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vitsom.model.config.ConfigException;
import io.vitsom.model.config.ConfigNode;
import io.vitsom.model.config.ConfigYaml;
import io.vitsom.model.config.DataSection;
import io.vitsom.model.map.MapModelConfig;
import io.vitsom.model.som.SomGrid;
import io.vitsom.model.som.Topology;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The immutable, validated configuration of one URL-SOM model and its training run (seed paper 003, sections III to
 * V): a ResNet backbone, a linear projection to a {@code rows x cols} map, a fixed radial kernel over the map, the
 * softmax and the WTA + anti-collapse + two-view similarity loss.
 *
 * <p>Read it with {@link #parse} or {@link #load}: strict, like {@code ConfigLoader}, so an unknown key, a missing
 * key or a value of the wrong type fails at load time with a {@link ConfigException} naming the dotted key.
 * Constructing it directly validates every field and cross-field constraint, naming the key. The YAML layout:
 *
 * <pre>
 * hyperparameters:
 *   model_arch: url_som
 *   total_epochs: 500
 *   batch_size: 256
 *   gamma: 2.0                   # weight of the similarity loss (eq. 8)
 *   early_stopping_patience: 10  # epochs without a better loss before an offline run stops; 0: never
 *   map:
 *     map_size: [30, 30]         # rows, cols
 *     kernel: gaussian           # gaussian (needs sigma) | student_t (needs student_t_scale and kernel_size)
 *     sigma: 5.0                 # kernel side: the smallest odd integer >= 6 sigma
 *     projection_dropout: 0.0    # dropout on the pooled features the projection reads
 *     projection_l2: 0.0005      # L2 decay of the projection weight (in Adam's gradient)
 *   backbone:
 *     depth: 20                  # 2 + 2 * blocks per stage * stages
 *     widths: [16, 48, 256]      # one per stage
 *     activation: elu            # elu | relu
 *   optimizer:
 *     type: adam
 *     beta_1: 0.9
 *     beta_2: 0.999
 *     warmup_lr: [0.0001, 0.0005, 0.001]  # one more value than warmup_epochs
 *     warmup_epochs: [5, 10]              # epoch where the next value starts
 *   augment:
 *     crop: [22, 32]
 *     horizontal_flip: 0.5
 *     color_jitter: [0.4, 0.4, 0.4, 0.4]  # brightness, contrast, saturation, hue
 *     color_jitter_p: 0.8
 *     grayscale_p: 0.5
 * data:
 *   dataset: cifar-10
 *   num_classes: 0
 *   num_channels: 3
 *   input_size: 32
 * </pre>
 *
 * <p>The keys of the kernel not chosen are rejected ({@code sigma} with {@code student_t}, {@code student_t_scale}
 * and {@code kernel_size} with {@code gaussian}), so that a value that has no effect never reads as if it had one;
 * for the same reason 1-channel data rejects a non-zero saturation, hue or grayscale chance.
 *
 * @param modelArch always {@code url_som}
 * @param totalEpochs epochs of the offline schedule
 * @param batchSize images per step (each gives two views)
 * @param gamma weight of the similarity loss
 * @param earlyStoppingPatience epochs without improvement before an offline run stops; 0 never stops early
 * @param map the map, its kernel and the projection's regularisation
 * @param backbone the ResNet
 * @param optimizer Adam and its warm-up
 * @param augment the two views' augmentation
 * @param data the input
 */
public record UrlSomConfig(
        String modelArch, int totalEpochs, int batchSize, double gamma, int earlyStoppingPatience,
        MapLayer map, Backbone backbone, Optimizer optimizer, ViewAugment augment, DataSection data)
        implements MapModelConfig {

    /** The only {@code hyperparameters.model_arch} of this record. */
    public static final String MODEL_ARCH = "url_som";

    /**
     * Settings of {@code hyperparameters.map}.
     *
     * @param rows map rows
     * @param cols map columns
     * @param kernel the fixed radial kernel over the map
     * @param projectionDropout dropout rate on the features the projection reads, in [0, 1)
     * @param projectionL2 L2 decay of the projection weight, >= 0
     */
    public record MapLayer(int rows, int cols, Kernel kernel, double projectionDropout, double projectionL2) {
        public MapLayer {
            Objects.requireNonNull(kernel, "kernel");
            require(rows > 0 && cols > 0, "hyperparameters.map.map_size", "must be positive, got " + rows + "x" + cols);
            require(projectionDropout >= 0 && projectionDropout < 1, "hyperparameters.map.projection_dropout",
                    "must be in [0, 1), got " + projectionDropout);
            require(projectionL2 >= 0 && Double.isFinite(projectionL2), "hyperparameters.map.projection_l2",
                    "must be finite and >= 0, got " + projectionL2);
        }

        /** Units on the map. */
        public int units() {
            return rows * cols;
        }
    }

    /** The fixed radial kernel ({@code hyperparameters.map.kernel} and its keys). */
    public sealed interface Kernel permits Gaussian, StudentT {
        /** The name in {@code hyperparameters.map.kernel}. */
        String configName();

        /** The kernel's weights. */
        MapKernel build();

        /** Its own keys of {@code hyperparameters.map} (besides {@code kernel}) and their values, in YAML order. */
        Map<String, Object> keys();
    }

    /**
     * {@code kernel: gaussian}: {@code exp(-(x^2 + y^2) / (2 sigma^2))} on the smallest odd side >= 6 sigma.
     *
     * @param sigma standard deviation in units, > 0
     */
    public record Gaussian(double sigma) implements Kernel {
        public Gaussian {
            require(sigma > 0 && Double.isFinite(sigma), "hyperparameters.map.sigma", "must be finite and > 0, got " + sigma);
        }

        @Override
        public String configName() {
            return "gaussian";
        }

        @Override
        public MapKernel build() {
            return MapKernel.gaussian(sigma);
        }

        @Override
        public Map<String, Object> keys() {
            var keys = new LinkedHashMap<String, Object>();
            keys.put("sigma", sigma);
            return keys;
        }
    }

    /**
     * {@code kernel: student_t}: {@code 1 / (1 + (x^2 + y^2) / scale)} on a {@code size x size} kernel (the
     * paper's section V.E: {@code 2 S - 1} lets every unit reach the whole map).
     *
     * @param scale the {@code student_t_scale}, > 0 (the paper tries 1 and 18)
     * @param size the {@code kernel_size}, odd and positive
     */
    public record StudentT(double scale, int size) implements Kernel {
        public StudentT {
            require(scale > 0 && Double.isFinite(scale), "hyperparameters.map.student_t_scale",
                    "must be finite and > 0, got " + scale);
            require(size > 0 && size % 2 == 1, "hyperparameters.map.kernel_size", "must be odd and positive, got " + size);
        }

        @Override
        public String configName() {
            return "student_t";
        }

        @Override
        public MapKernel build() {
            return MapKernel.studentT(scale, size);
        }

        @Override
        public Map<String, Object> keys() {
            var keys = new LinkedHashMap<String, Object>();
            keys.put("student_t_scale", scale);
            keys.put("kernel_size", size);
            return keys;
        }
    }

    /** The backbone's activation ({@code hyperparameters.backbone.activation}). */
    public enum Activation {
        /** {@code elu} with alpha 1, the paper's choice. */
        ELU("elu"),
        /** {@code relu}, the original ResNet's. */
        RELU("relu");

        private final String configName;

        Activation(String configName) {
            this.configName = configName;
        }

        /** The name in YAML. */
        public String configName() {
            return configName;
        }

        /** Parses the YAML name. */
        public static Activation fromConfig(String name) {
            for (Activation a : values()) {
                if (a.configName.equals(name)) {
                    return a;
                }
            }
            throw new IllegalArgumentException("must be elu or relu, got '" + name + "'");
        }
    }

    /**
     * Settings of {@code hyperparameters.backbone}: a CIFAR ResNet (He et al.) of {@code widths.size()} stages of
     * basic blocks.
     *
     * @param depth weighted layers: {@code 2 + 2 * blocksPerStage * stages} (20 for ResNet-20)
     * @param widths channels of each stage
     * @param activation the activation after each BN and each residual sum
     */
    public record Backbone(int depth, List<Integer> widths, Activation activation) {
        public Backbone {
            Objects.requireNonNull(activation, "activation");
            widths = List.copyOf(widths);
            require(!widths.isEmpty(), "hyperparameters.backbone.widths", "must name at least one stage");
            for (int w : widths) {
                require(w > 0, "hyperparameters.backbone.widths", "must be positive, got " + widths);
            }
            int perBlockLayers = 2 * widths.size();
            require(depth > 2 && (depth - 2) % perBlockLayers == 0, "hyperparameters.backbone.depth",
                    "must be 2 + " + perBlockLayers + " * blocks per stage for " + widths.size() + " stages, got " + depth);
        }

        /** Basic blocks in each stage: {@code (depth - 2) / (2 * stages)}, 3 for ResNet-20. */
        public int blocksPerStage() {
            return (depth - 2) / (2 * widths.size());
        }

        /** Width of the pooled features: the last stage's. */
        public int featureDim() {
            return widths.get(widths.size() - 1);
        }
    }

    /**
     * Settings of {@code hyperparameters.optimizer}: Adam (L2 decay in the gradient) with a stepwise warm-up.
     *
     * @param type always {@code adam}
     * @param beta1 first-moment decay
     * @param beta2 second-moment decay
     * @param warmupLr learning rate of each epoch range, one more than {@code warmupEpochs}
     * @param warmupEpochs first epoch of each range after the first, increasing
     */
    public record Optimizer(String type, double beta1, double beta2, List<Double> warmupLr, List<Integer> warmupEpochs) {
        public Optimizer {
            warmupLr = List.copyOf(warmupLr);
            warmupEpochs = List.copyOf(warmupEpochs);
            require("adam".equals(type), "hyperparameters.optimizer.type",
                    "must be adam (Adam with L2 decay in the gradient), got '" + type + "'");
            require(beta1 >= 0 && beta1 < 1, "hyperparameters.optimizer.beta_1", "must be in [0, 1), got " + beta1);
            require(beta2 >= 0 && beta2 < 1, "hyperparameters.optimizer.beta_2", "must be in [0, 1), got " + beta2);
            require(warmupLr.size() == warmupEpochs.size() + 1, "hyperparameters.optimizer.warmup_lr",
                    "must hold one more value than warmup_epochs (" + warmupEpochs.size() + "), got " + warmupLr.size());
            for (double lr : warmupLr) {
                require(lr > 0 && Double.isFinite(lr), "hyperparameters.optimizer.warmup_lr",
                        "must be finite and > 0, got " + warmupLr);
            }
            int previous = 0;
            for (int e : warmupEpochs) {
                require(e > previous, "hyperparameters.optimizer.warmup_epochs",
                        "must be positive and increasing, got " + warmupEpochs);
                previous = e;
            }
        }

        /** The learning rate of epoch {@code epoch} (from 0): the value of the range it falls in. */
        public double learningRate(long epoch) {
            int range = 0;
            while (range < warmupEpochs.size() && epoch >= warmupEpochs.get(range)) {
                range++;
            }
            return warmupLr.get(range);
        }

        /** The learning rate after the warm-up: the last value. */
        public double peakLearningRate() {
            return warmupLr.get(warmupLr.size() - 1);
        }
    }

    public UrlSomConfig {
        Objects.requireNonNull(map, "map");
        Objects.requireNonNull(backbone, "backbone");
        Objects.requireNonNull(optimizer, "optimizer");
        Objects.requireNonNull(augment, "augment");
        Objects.requireNonNull(data, "data");
        require(MODEL_ARCH.equals(modelArch), "hyperparameters.model_arch", "must be url_som, got '" + modelArch + "'");
        require(totalEpochs > 0, "hyperparameters.total_epochs", "must be > 0, got " + totalEpochs);
        require(batchSize > 0, "hyperparameters.batch_size", "must be > 0, got " + batchSize);
        require(gamma >= 0 && Double.isFinite(gamma), "hyperparameters.gamma", "must be finite and >= 0, got " + gamma);
        require(earlyStoppingPatience >= 0, "hyperparameters.early_stopping_patience",
                "must be >= 0, got " + earlyStoppingPatience);
        require(augment.cropMax() <= data.inputSize(), "hyperparameters.augment.crop",
                "the largest crop (" + augment.cropMax() + ") must fit data.input_size " + data.inputSize());
        if (data.numChannels() == 1) {
            require(augment.saturation() == 0 && augment.hue() == 0, "hyperparameters.augment.color_jitter",
                    "saturation and hue have no effect on 1-channel images: set them to 0, got " + augment.saturation()
                            + " and " + augment.hue());
            require(augment.grayscaleP() == 0, "hyperparameters.augment.grayscale_p",
                    "has no effect on 1-channel images: set it to 0, got " + augment.grayscaleP());
        }
    }

    /** Loads and validates a YAML config file. */
    public static UrlSomConfig load(Path file) throws IOException {
        return parse(ConfigNode.readFile(file), file.toString());
    }

    /** Parses and validates YAML (or JSON) text; {@code source} names it in error messages. */
    public static UrlSomConfig parse(String text, String source) {
        ConfigNode root = ConfigNode.parse(text, source);
        ConfigNode hp = root.object("hyperparameters");
        ConfigNode mapNode = hp.object("map");
        ConfigNode backboneNode = hp.object("backbone");
        ConfigNode opt = hp.object("optimizer");
        ConfigNode aug = hp.object("augment");
        ConfigNode dataNode = root.object("data");
        List<Integer> mapSize = mapNode.intList("map_size", 2);
        MapLayer map = new MapLayer(mapSize.get(0), mapSize.get(1), kernel(mapNode),
                mapNode.number("projection_dropout"), mapNode.number("projection_l2"));
        Backbone backbone = new Backbone(backboneNode.integer("depth"), backboneNode.intList("widths"),
                backboneNode.value("activation", Activation::fromConfig));
        Optimizer optimizer = new Optimizer(opt.string("type"), opt.number("beta_1"), opt.number("beta_2"),
                opt.numberList("warmup_lr"), opt.intList("warmup_epochs"));
        ViewAugment augment = augment(aug);
        DataSection data = DataSection.parse(dataNode);
        UrlSomConfig config = new UrlSomConfig(hp.string("model_arch"), hp.integer("total_epochs"),
                hp.integer("batch_size"), hp.number("gamma"), hp.integer("early_stopping_patience"), map, backbone,
                optimizer, augment, data);
        for (ConfigNode n : List.of(mapNode, backboneNode, opt, aug, dataNode, hp, root)) {
            n.rejectUnknown();
        }
        return config;
    }

    private static Kernel kernel(ConfigNode map) {
        String name = map.string("kernel");
        return switch (name) {
            case "gaussian" -> {
                rejectForKernel(map, name, "student_t_scale", "kernel_size");
                yield new Gaussian(map.number("sigma"));
            }
            case "student_t" -> {
                rejectForKernel(map, name, "sigma");
                yield new StudentT(map.number("student_t_scale"), map.integer("kernel_size"));
            }
            default -> throw new ConfigException(map.path("kernel"), "must be gaussian or student_t, got '" + name + "'");
        };
    }

    private static void rejectForKernel(ConfigNode map, String kernel, String... keys) {
        for (String key : keys) {
            if (map.has(key)) {
                throw new ConfigException(map.path(key), "does not apply to kernel " + kernel + ": remove it");
            }
        }
    }

    private static ViewAugment augment(ConfigNode aug) {
        List<Integer> crop = aug.intList("crop", 2);
        double flip = aug.number("horizontal_flip");
        List<Double> jitter = aug.numberList("color_jitter", 4);
        double jitterP = aug.number("color_jitter_p");
        double grayscaleP = aug.number("grayscale_p");
        try {
            return new ViewAugment(crop.get(0), crop.get(1), flip, jitter.get(0), jitter.get(1), jitter.get(2),
                    jitter.get(3), jitterP, grayscaleP);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(aug.path(augmentKey(e.getMessage())), e.getMessage());
        }
    }

    /** The YAML key of the {@link ViewAugment} field a validation message starts with. */
    private static String augmentKey(String message) {
        String field = message == null ? "" : message.split(" ", 2)[0];
        return switch (field) {
            case "cropMin", "cropMax" -> "crop";
            case "horizontalFlip" -> "horizontal_flip";
            case "brightness", "contrast", "saturation", "hue" -> "color_jitter";
            case "colorJitterP" -> "color_jitter_p";
            case "grayscaleP" -> "grayscale_p";
            default -> "crop";
        };
    }

    /** The config as a tree in its YAML layout (checkpoints, JSON exports and {@link #toYaml}). */
    @Override
    public ObjectNode toTree() {
        var mapTree = new LinkedHashMap<String, Object>();
        mapTree.put("map_size", List.of(map.rows(), map.cols()));
        mapTree.put("kernel", map.kernel().configName());
        mapTree.putAll(map.kernel().keys());
        mapTree.put("projection_dropout", map.projectionDropout());
        mapTree.put("projection_l2", map.projectionL2());
        var backboneTree = new LinkedHashMap<String, Object>();
        backboneTree.put("depth", backbone.depth());
        backboneTree.put("widths", backbone.widths());
        backboneTree.put("activation", backbone.activation().configName());
        var optTree = new LinkedHashMap<String, Object>();
        optTree.put("type", optimizer.type());
        optTree.put("beta_1", optimizer.beta1());
        optTree.put("beta_2", optimizer.beta2());
        optTree.put("warmup_lr", optimizer.warmupLr());
        optTree.put("warmup_epochs", optimizer.warmupEpochs());
        var augTree = new LinkedHashMap<String, Object>();
        augTree.put("crop", List.of(augment.cropMin(), augment.cropMax()));
        augTree.put("horizontal_flip", augment.horizontalFlip());
        augTree.put("color_jitter", List.of(augment.brightness(), augment.contrast(), augment.saturation(), augment.hue()));
        augTree.put("color_jitter_p", augment.colorJitterP());
        augTree.put("grayscale_p", augment.grayscaleP());
        var hp = new LinkedHashMap<String, Object>();
        hp.put("model_arch", modelArch);
        hp.put("total_epochs", totalEpochs);
        hp.put("batch_size", batchSize);
        hp.put("gamma", gamma);
        hp.put("early_stopping_patience", earlyStoppingPatience);
        hp.put("map", mapTree);
        hp.put("backbone", backboneTree);
        hp.put("optimizer", optTree);
        hp.put("augment", augTree);
        return ConfigYaml.tree(hp, data.toTree());
    }

    /** The config as YAML text; {@link #parse} (and {@code MapModels.parse}) reads it back equal. */
    @Override
    public String toYaml() {
        return ConfigYaml.write(toTree());
    }

    @Override
    public String dataset() {
        return data.dataset();
    }

    @Override
    public int numChannels() {
        return data.numChannels();
    }

    @Override
    public int inputSize() {
        return data.inputSize();
    }

    /** The map's units on a square lattice (the kernel is a convolution over rows and columns). */
    @Override
    public SomGrid grid() {
        return new SomGrid(map.rows(), map.cols(), Topology.SQUARE);
    }

    /** Same backbone and map (size and kernel); dropout, L2, the optimizer and augmentation may differ. */
    @Override
    public boolean sameNetwork(MapModelConfig other) {
        return other instanceof UrlSomConfig u && backbone.equals(u.backbone()) && map.kernel().equals(u.map().kernel())
                && MapModelConfig.super.sameNetwork(other);
    }

    /** Units on the map. */
    public int units() {
        return map.units();
    }

    @Override
    public UrlSomConfig withTotalEpochs(int epochs) {
        return new UrlSomConfig(modelArch, epochs, batchSize, gamma, earlyStoppingPatience, map, backbone, optimizer,
                augment, data);
    }

    @Override
    public UrlSomConfig withBatchSize(int batch) {
        return new UrlSomConfig(modelArch, totalEpochs, batch, gamma, earlyStoppingPatience, map, backbone, optimizer,
                augment, data);
    }
}
