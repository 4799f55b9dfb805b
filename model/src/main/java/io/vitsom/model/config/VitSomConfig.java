package io.vitsom.model.config;

import static io.vitsom.model.config.ConfigException.require;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vitsom.model.map.MapModelConfig;
import io.vitsom.model.som.SomGrid;
import io.vitsom.model.som.Topology;
import java.util.List;

/**
 * The immutable, validated configuration of one ViT-SOM model and its training run, with the same
 * structure, keys and meaning as the reference's YAML files ({@code configs/vit_som/*.yaml}).
 *
 * <p>Load it with {@link ConfigLoader}; constructing it directly validates every cross-field
 * constraint (patch size divides the image, heads divide the widths) and fails naming the key.
 *
 * @param modelArch {@code vit_som} (ViT-SOM) or {@code vit} (plain ViT classifier, no SOM loss)
 * @param totalEpochs epochs of the reference schedule
 * @param batchSize mini-batch size
 * @param gamma weight of the SOM loss (reached after the linear ramp over the first half of training)
 * @param som SOM layer settings
 * @param vit encoder/decoder settings
 * @param optimizer AdamW and LR-schedule settings
 * @param data input description
 */
public record VitSomConfig(
        String modelArch, int totalEpochs, int batchSize, double gamma,
        Som som, Vit vit, Optimizer optimizer, Data data) implements MapModelConfig {

    /** Settings of {@code hyperparameters.som}. */
    public record Som(int rows, int cols, double tMax, double tMin, Distance distance, Topology topology,
                      boolean useReduced) {
        /** The map geometry. */
        public SomGrid grid() {
            return new SomGrid(rows, cols, topology);
        }

        public int units() {
            return rows * cols;
        }
    }

    /** Settings of {@code hyperparameters.vit} (dropout/drop-path keys are kept for fidelity; the reference uses none). */
    public record Vit(int patchSize, int embDim, int depth, int decEmbDim, int decDepth, int heads, double mlpRatio,
                      boolean qkvBias, boolean qkNorm, double projDrop, double attnDrop, double dropPath,
                      boolean globalPool) {
        /** Hidden width of the MLP: {@code int(dim * mlp_ratio)} as in the reference. */
        public int mlpHidden(int dim) {
            return (int) (dim * mlpRatio);
        }
    }

    /** Settings of {@code hyperparameters.optimizer}. */
    public record Optimizer(String type, double lr, double minLr, double beta1, double beta2, String scheduler,
                            double warmupEpochs, double weightDecay, double layerDecay, double smoothing) {
    }

    /** Settings of {@code data.augment} (used by classification configs). */
    public record Augment(double horizontalFlip, int randaugN, List<Double> resizeScale, List<Double> resizeRatio,
                          double reprob, String remode, int recount, boolean autoaugment) {
        public Augment {
            resizeScale = List.copyOf(resizeScale);
            resizeRatio = List.copyOf(resizeRatio);
        }

        /** No augmentation, as in the clustering configs. */
        public static Augment none() {
            return new Augment(0, 0, List.of(1.0, 1.0), List.of(1.0, 1.0), 0, "pixel", 0, false);
        }
    }

    /** Settings of {@code data}. */
    public record Data(String dataset, int numClasses, int numChannels, int inputSize, int numWorkers,
                       Augment augment) {
    }

    public VitSomConfig {
        require(modelArch.equals("vit_som") || modelArch.equals("vit"), "hyperparameters.model_arch",
                "must be vit_som or vit, got '" + modelArch + "'");
        positive(totalEpochs, "hyperparameters.total_epochs");
        positive(batchSize, "hyperparameters.batch_size");
        require(gamma >= 0, "hyperparameters.gamma", "must be >= 0, got " + gamma);
        positive(som.rows(), "hyperparameters.som.map_size");
        positive(som.cols(), "hyperparameters.som.map_size");
        require(som.tMax() > 0, "hyperparameters.som.Tmax", "must be > 0, got " + som.tMax());
        require(som.tMin() > 0 && som.tMin() <= som.tMax(), "hyperparameters.som.Tmin",
                "must be in (0, Tmax], got " + som.tMin());
        positive(vit.patchSize(), "hyperparameters.vit.patch_size");
        positive(vit.embDim(), "hyperparameters.vit.emb_dim");
        positive(vit.depth(), "hyperparameters.vit.depth");
        positive(vit.decEmbDim(), "hyperparameters.vit.dec_emb_dim");
        require(vit.decDepth() >= 0, "hyperparameters.vit.dec_depth", "must be >= 0, got " + vit.decDepth());
        positive(vit.heads(), "hyperparameters.vit.heads");
        require(vit.mlpRatio() > 0, "hyperparameters.vit.mlp_ratio", "must be > 0, got " + vit.mlpRatio());
        positive(data.inputSize(), "data.input_size");
        require(data.numChannels() == 1 || data.numChannels() == 3, "data.num_channels",
                "must be 1 or 3, got " + data.numChannels());
        require(data.numClasses() >= 0, "data.num_classes", "must be >= 0, got " + data.numClasses());
        require(data.inputSize() % vit.patchSize() == 0, "hyperparameters.vit.patch_size",
                "patch size " + vit.patchSize() + " does not divide data.input_size " + data.inputSize());
        require(vit.embDim() % vit.heads() == 0, "hyperparameters.vit.heads",
                vit.heads() + " heads do not divide hyperparameters.vit.emb_dim " + vit.embDim());
        require(vit.decEmbDim() % vit.heads() == 0, "hyperparameters.vit.heads",
                vit.heads() + " heads do not divide hyperparameters.vit.dec_emb_dim " + vit.decEmbDim());
        // The 2-D sin-cos table splits the width in half (rows/cols), then each half in sin/cos.
        require(vit.embDim() % 4 == 0, "hyperparameters.vit.emb_dim",
                "must be a multiple of 4 for the 2-D sin-cos position embedding, got " + vit.embDim());
        require(vit.decEmbDim() % 4 == 0, "hyperparameters.vit.dec_emb_dim",
                "must be a multiple of 4 for the 2-D sin-cos position embedding, got " + vit.decEmbDim());
        require(optimizer.type().equals("adamw") || optimizer.type().equals("adam"), "hyperparameters.optimizer.type",
                "must be adamw or adam, got '" + optimizer.type() + "'");
        require(optimizer.scheduler().equals("cosine_annealing"), "hyperparameters.optimizer.scheduler",
                "only cosine_annealing is supported, got '" + optimizer.scheduler() + "'");
        require(optimizer.lr() > 0, "hyperparameters.optimizer.lr", "must be > 0, got " + optimizer.lr());
        require(optimizer.minLr() >= 0, "hyperparameters.optimizer.min_lr", "must be >= 0");
        require(optimizer.beta1() >= 0 && optimizer.beta1() < 1, "hyperparameters.optimizer.beta_1", "must be in [0, 1)");
        require(optimizer.beta2() >= 0 && optimizer.beta2() < 1, "hyperparameters.optimizer.beta_2", "must be in [0, 1)");
        require(optimizer.smoothing() >= 0 && optimizer.smoothing() < 1, "hyperparameters.optimizer.smoothing",
                "must be in [0, 1)");
        require(!modelArch.equals("vit") || data.numClasses() > 0, "data.num_classes",
                "model_arch vit is a classifier and needs num_classes > 0");
    }

    /** Whether the model has a classification head (ViT-SOM-cls or plain ViT). */
    @Override
    public boolean classification() {
        return data.numClasses() > 0;
    }

    /** Whether the SOM loss is part of the objective ({@code model_arch: vit_som}). */
    @Override
    public boolean usesSom() {
        return modelArch.equals("vit_som");
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

    @Override
    public SomGrid grid() {
        return som.grid();
    }

    @Override
    public Distance prototypeDistance() {
        return som.distance();
    }

    @Override
    public boolean sameNetwork(MapModelConfig other) {
        return other instanceof VitSomConfig v && som.equals(v.som()) && vit.equals(v.vit())
                && MapModelConfig.super.sameNetwork(other);
    }

    @Override
    public ObjectNode toTree() {
        return ConfigLoader.toTree(this);
    }

    @Override
    public String toYaml() {
        return ConfigLoader.toYaml(this);
    }

    /** Patches per side: {@code input_size / patch_size}. */
    public int gridSize() {
        return data.inputSize() / vit.patchSize();
    }

    /** Number of patch tokens (CLS excluded). */
    public int numPatches() {
        return gridSize() * gridSize();
    }

    /** Width of the SOM input: the flattened patch tokens, or the CLS token with {@code use_reduced}. */
    public int somInputDim() {
        return som.useReduced() ? vit.embDim() : numPatches() * vit.embDim();
    }

    @Override
    public VitSomConfig withTotalEpochs(int epochs) {
        return new VitSomConfig(modelArch, epochs, batchSize, gamma, som, vit, optimizer, data);
    }

    @Override
    public VitSomConfig withBatchSize(int batch) {
        return new VitSomConfig(modelArch, totalEpochs, batch, gamma, som, vit, optimizer, data);
    }

    private static void positive(int value, String key) {
        require(value > 0, key, "must be > 0, got " + value);
    }
}
