package io.vitsom.bench.suite;

import io.vitsom.bench.MapSize;
import io.vitsom.bench.ModelKind;
import io.vitsom.model.config.ConfigLoader;
import io.vitsom.model.som.SomGrid;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The datasets the suite knows, found by folder name under a data root, and the (dataset, model) cells it plans:
 * a present dataset with a config gets one cell per wired model; a missing dataset, one without a config or a
 * model whose config does not exist is listed as skipped with the reason, never as failed. A dataset with a URL-SOM
 * config ({@link Known#urlSomConfig}) also gets a {@code url_som} clustering cell, CIFAR-10 included although its
 * other rows are classification (the seed paper's URL-SOM numbers are CIFAR-10's).
 */
public final class SuiteDatasets {
    private SuiteDatasets() {
    }

    /** Which of the paper's two tables a dataset belongs to. */
    public enum Task {
        CLUSTERING, CLASSIFICATION;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * A dataset the suite looks for.
     *
     * @param folder folder name under the data root
     * @param column the paper table's column (cifar-10-jpg and cifar-10 share "cifar-10")
     * @param task the table of the dataset's ViT-SOM rows ({@code config}); its {@code url_som} row is clustering
     * @param config config file name in the configs folder, or null when there is none yet
     * @param config24 the 24x24 config, or null
     * @param urlSomConfig the {@code url_som} row's config file name, or null when the dataset has no such row
     */
    public record Known(String folder, String column, Task task, String config, String config24, String urlSomConfig) {
        /** Whether a suite of {@code tasks} plans this dataset's {@code url_som} clustering cell. */
        boolean urlSomIn(Set<Task> tasks) {
            return urlSomConfig != null && tasks.contains(Task.CLUSTERING);
        }

        /** The table this dataset's {@code url_som} row belongs to when its other rows are elsewhere. */
        boolean urlSomOutsideItsTask() {
            return urlSomConfig != null && task != Task.CLUSTERING;
        }
    }

    /** In discovery order; the first present folder of a column wins, a later one with the same column is skipped. */
    public static final List<Known> KNOWN = List.of(
            new Known("mnist", "mnist", Task.CLUSTERING, "vit_som_mnist.yaml", "vit_som_mnist_24.yaml",
                    "url_som_mnist.yaml"),
            new Known("fashion-mnist", "fashion-mnist", Task.CLUSTERING, "vit_som_fmnist.yaml", "vit_som_fmnist_24.yaml",
                    "url_som_fmnist.yaml"),
            new Known("usps", "usps", Task.CLUSTERING, "vit_som_usps.yaml", "vit_som_usps_24.yaml", "url_som_usps.yaml"),
            new Known("cifar-10-jpg", "cifar-10", Task.CLASSIFICATION, "vit_som_cifar-10.yaml", null,
                    "url_som_cifar-10.yaml"),
            new Known("cifar-10", "cifar-10", Task.CLASSIFICATION, "vit_som_cifar-10.yaml", null,
                    "url_som_cifar-10.yaml"),
            new Known("cifar-100", "cifar-100", Task.CLASSIFICATION, "vit_som_cifar-100.yaml", null, null),
            new Known("svhn", "svhn", Task.CLASSIFICATION, null, null, null),
            new Known("flowers-17", "flowers-17", Task.CLASSIFICATION, null, null, null));

    /** The URL-SOM row (seed paper 003), a clustering row on every dataset with a {@link Known#urlSomConfig}. */
    public static final String URL_SOM = "url_som";

    /**
     * The clustering rows, in table order. Map-size variants: {@code _24} rows use the 24x24 config's map,
     * {@code _40} rows the main config's map (40x40 for the paper's three clustering configs; the row is named after
     * the map actually found); {@code som} is the paper's 24x24 Kohonen SOM, {@code desom} and {@code som_vae} their
     * papers' 8x8 maps. {@code kmeans_latent} is no training run: it is k-means on the {@code vit_som} run's latent.
     * {@code url_som} is the seed paper's URL-SOM ({@code url_som_<dataset>.yaml}, its 30x30 map), also on CIFAR-10.
     */
    public static final List<String> CLUSTERING_MODELS = List.of("vit_som", "vit_som_24", "kmeans_latent", "som",
            "som_40", "desom", "desom_24", "desom_40", "som_vae", URL_SOM);
    public static final List<String> CLASSIFICATION_MODELS = List.of("vit_som_cls", "vit");
    /** The paper's other rows: listed in suite.md as not run, never with numbers (none at present). */
    public static final List<String> NOT_WIRED_CLUSTERING = List.of();
    public static final List<String> NOT_WIRED_CLASSIFICATION = List.of();
    public static final String NOT_WIRED_REASON = "not run: not wired into the suite yet";
    /** The clustering row derived from the vit_som run rather than trained. */
    public static final String KMEANS_LATENT = "kmeans_latent";

    /**
     * The table columns of a task, in the paper's order; the clustering table also has a column for each dataset of
     * the other table with a {@code url_som} row (cifar-10).
     */
    public static List<String> columns(Task task) {
        List<String> out = new ArrayList<>();
        for (Known k : KNOWN) {
            boolean inTable = k.task() == task || (task == Task.CLUSTERING && k.urlSomConfig() != null);
            if (inTable && !out.contains(k.column())) {
                out.add(k.column());
            }
        }
        return out;
    }

    /**
     * One (dataset, model) run to do: {@code data} is what the loaders get, {@code config} the YAML.
     *
     * @param kind the clustering bench's model; {@code VIT_SOM} for classification, whose config names the model
     * @param map a baseline's map, or null for its default
     */
    public record Cell(String model, String dataset, Task task, Path data, Path config, ModelKind kind, MapSize map) {
    }

    /** A dataset or (dataset, model) pair not run; {@code model} is "*" for every model of the dataset. */
    public record Skipped(String model, String dataset, Task task, String reason) {
    }

    /** What discovery found. */
    public record Plan(List<Cell> cells, List<Skipped> skipped) {
        public Plan {
            cells = List.copyOf(cells);
            skipped = List.copyOf(skipped);
        }
    }

    /** Parses {@code clustering|classification|all}. */
    public static Set<Task> tasks(String suite) {
        return switch (suite.toLowerCase(Locale.ROOT)) {
            case "clustering" -> Set.of(Task.CLUSTERING);
            case "classification" -> Set.of(Task.CLASSIFICATION);
            case "all" -> Set.of(Task.CLUSTERING, Task.CLASSIFICATION);
            default -> throw new IllegalArgumentException("--suite must be clustering, classification or all, got " + suite);
        };
    }

    /**
     * Finds the datasets of {@code tasks} under {@code dataRoot} and plans their cells with configs from
     * {@code configDir}. A dataset's cells are consecutive (its ViT-SOM rows, then its {@code url_som} row), so the
     * suite loads each dataset once. A clustering suite looks at CIFAR-10 for its {@code url_som} row only.
     */
    public static Plan discover(Path dataRoot, Path configDir, Set<Task> tasks) throws IOException {
        if (!Files.isDirectory(dataRoot)) {
            throw new IllegalArgumentException("--data-root " + dataRoot + " is not a directory");
        }
        List<Cell> cells = new ArrayList<>();
        List<Skipped> skipped = new ArrayList<>();
        Set<String> columnsTaken = new HashSet<>();
        for (Known k : KNOWN) {
            boolean ownRows = tasks.contains(k.task());
            boolean urlSom = k.urlSomIn(tasks);
            if (!ownRows && !urlSom) {
                continue;
            }
            Path dir = dataRoot.resolve(k.folder());
            Optional<Path> data = dataPath(dir);
            String unusable = data.isEmpty() ? "not found: no non-empty folder " + dir
                    : !columnsTaken.add(k.column())
                    ? "same data as the " + k.column() + " column already planned from another folder" : null;
            if (unusable != null) {
                if (ownRows) {
                    skipped.add(new Skipped("*", k.folder(), k.task(), unusable));
                }
                if (urlSom && k.urlSomOutsideItsTask()) {
                    // CIFAR-10's own rows are classification: the clustering table's url_som row gets its own entry.
                    skipped.add(new Skipped(URL_SOM, k.folder(), Task.CLUSTERING, unusable));
                }
                continue;
            }
            if (ownRows) {
                planOwnRows(k, data.get(), configDir, cells, skipped);
            }
            if (urlSom) {
                Path config = configDir.resolve(k.urlSomConfig());
                if (Files.isRegularFile(config)) {
                    cells.add(new Cell(URL_SOM, k.folder(), Task.CLUSTERING, data.get(), config, ModelKind.URL_SOM,
                            null));
                } else {
                    skipped.add(new Skipped(URL_SOM, k.folder(), Task.CLUSTERING, "config " + config + " not found"));
                }
            }
        }
        return new Plan(cells, skipped);
    }

    /** The rows of a present dataset's own table, from its ViT-SOM config ({@link Known#config}). */
    private static void planOwnRows(Known k, Path data, Path configDir, List<Cell> cells, List<Skipped> skipped)
            throws IOException {
        if (k.config() == null) {
            skipped.add(new Skipped("*", k.folder(), k.task(), "no config for " + k.folder() + " in " + configDir + " yet"));
            return;
        }
        Path config = configDir.resolve(k.config());
        if (!Files.isRegularFile(config)) {
            skipped.add(new Skipped("*", k.folder(), k.task(), "config " + config + " not found"));
            return;
        }
        if (k.task() == Task.CLASSIFICATION) {
            cells.add(new Cell("vit_som_cls", k.folder(), k.task(), data, config, ModelKind.VIT_SOM, null));
            // The plain ViT of the same config: vit_som_cifar-10.yaml -> vit_cifar-10.yaml (model_arch: vit).
            Path vit = configDir.resolve(k.config().replaceFirst("^vit_som_", "vit_"));
            if (Files.isRegularFile(vit)) {
                cells.add(new Cell("vit", k.folder(), k.task(), data, vit, ModelKind.VIT_SOM, null));
            } else {
                skipped.add(new Skipped("vit", k.folder(), k.task(), "config " + vit + " not found"));
            }
            return;
        }
        planClustering(k, data, config, configDir, cells, skipped);
    }

    private static void planClustering(Known k, Path data, Path config, Path configDir, List<Cell> cells,
                                       List<Skipped> skipped) throws IOException {
        Path config24 = k.config24() == null ? null : configDir.resolve(k.config24());
        boolean has24 = config24 != null && Files.isRegularFile(config24);
        SomGrid main = ConfigLoader.load(config).som().grid();
        cells.add(new Cell("vit_som", k.folder(), k.task(), data, config, ModelKind.VIT_SOM, null));
        if (has24) {
            SomGrid small = ConfigLoader.load(config24).som().grid();
            cells.add(new Cell("vit_som_24", k.folder(), k.task(), data, config24, ModelKind.VIT_SOM, null));
            // The paper's SOM baseline is 24x24 (451K = 576 x 784 weights): it takes the 24x24 config's grid.
            cells.add(new Cell("som", k.folder(), k.task(), data, config24, ModelKind.SOM, null));
            cells.add(new Cell(sized("som", main), k.folder(), k.task(), data, config, ModelKind.SOM, null));
            cells.add(new Cell("desom", k.folder(), k.task(), data, config, ModelKind.DESOM, null));
            cells.add(new Cell("desom_24", k.folder(), k.task(), data, config24, ModelKind.DESOM, mapOf(small)));
        } else {
            skipped.add(new Skipped("vit_som_24", k.folder(), k.task(),
                    "no 24x24 config " + (k.config24() == null ? "for " + k.folder() : config24)));
            cells.add(new Cell("som", k.folder(), k.task(), data, config, ModelKind.SOM, null));
            cells.add(new Cell("desom", k.folder(), k.task(), data, config, ModelKind.DESOM, null));
        }
        cells.add(new Cell(sized("desom", main), k.folder(), k.task(), data, config, ModelKind.DESOM, mapOf(main)));
        cells.add(new Cell("som_vae", k.folder(), k.task(), data, config, ModelKind.SOM_VAE, null));
    }

    /** {@code som_40} for a 40x40 grid: the row says which map it ran on ({@code som_40x30} when not square). */
    static String sized(String model, SomGrid grid) {
        return model + "_" + (grid.rows() == grid.cols() ? String.valueOf(grid.rows()) : grid.rows() + "x" + grid.cols());
    }

    private static MapSize mapOf(SomGrid grid) {
        return new MapSize(grid.rows(), grid.cols());
    }

    /** Keeps the cells whose model is in {@code models} (all when null); the vit_som run also serves kmeans_latent. */
    public static Plan select(Plan plan, Set<String> models) {
        if (models == null) {
            return plan;
        }
        List<Cell> kept = plan.cells().stream().filter(c -> models.contains(c.model())
                || (c.model().equals("vit_som") && models.contains(KMEANS_LATENT))).toList();
        return new Plan(kept, plan.skipped().stream().filter(s -> s.model().equals("*") || models.contains(s.model()))
                .toList());
    }

    /**
     * What to hand the loaders for a dataset folder: the folder itself, or the single {@code .tar.gz} inside a
     * folder that holds nothing else usable (cifar-10-jpg as shipped); empty when the folder is missing or empty.
     */
    static Optional<Path> dataPath(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return Optional.empty();
        }
        List<Path> entries;
        try (Stream<Path> s = Files.list(dir)) {
            entries = s.filter(p -> !p.getFileName().toString().startsWith(".")).sorted().toList();
        }
        if (entries.isEmpty()) {
            return Optional.empty();
        }
        boolean hasDirs = entries.stream().anyMatch(Files::isDirectory);
        List<Path> tars = entries.stream().filter(p -> p.getFileName().toString().endsWith(".tar.gz")).toList();
        if (!hasDirs && tars.size() == 1 && entries.size() == 1) {
            return Optional.of(tars.get(0));
        }
        return Optional.of(dir);
    }
}
