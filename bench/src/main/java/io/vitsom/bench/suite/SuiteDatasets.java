package io.vitsom.bench.suite;

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
 * model whose config does not exist is listed as skipped with the reason, never as failed.
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
     * @param config config file name in the configs folder, or null when there is none yet
     * @param config24 the 24x24 config, or null
     */
    public record Known(String folder, String column, Task task, String config, String config24) {
    }

    /** In discovery order; the first present folder of a column wins, a later one with the same column is skipped. */
    public static final List<Known> KNOWN = List.of(
            new Known("mnist", "mnist", Task.CLUSTERING, "vit_som_mnist.yaml", "vit_som_mnist_24.yaml"),
            new Known("fashion-mnist", "fashion-mnist", Task.CLUSTERING, "vit_som_fmnist.yaml", "vit_som_fmnist_24.yaml"),
            new Known("usps", "usps", Task.CLUSTERING, "vit_som_usps.yaml", "vit_som_usps_24.yaml"),
            new Known("cifar-10-jpg", "cifar-10", Task.CLASSIFICATION, "vit_som_cifar-10.yaml", null),
            new Known("cifar-10", "cifar-10", Task.CLASSIFICATION, "vit_som_cifar-10.yaml", null),
            new Known("cifar-100", "cifar-100", Task.CLASSIFICATION, "vit_som_cifar-100.yaml", null),
            new Known("svhn", "svhn", Task.CLASSIFICATION, null, null),
            new Known("flowers-17", "flowers-17", Task.CLASSIFICATION, null, null));

    /** The models that run in this slice, per task. */
    public static final List<String> WIRED_CLUSTERING = List.of("vit_som", "vit_som_24", "som");
    public static final List<String> WIRED_CLASSIFICATION = List.of("vit_som_cls");
    /** The paper's other rows: listed in suite.md as not run, never with numbers. */
    public static final List<String> NOT_WIRED_CLUSTERING = List.of("desom", "som_vae", "kmeans_latent", "url_som");
    public static final List<String> NOT_WIRED_CLASSIFICATION = List.of("vit");
    public static final String NOT_WIRED_REASON = "not run: not wired into the suite yet";

    /** The table columns of a task, in the paper's order. */
    public static List<String> columns(Task task) {
        List<String> out = new ArrayList<>();
        for (Known k : KNOWN) {
            if (k.task() == task && !out.contains(k.column())) {
                out.add(k.column());
            }
        }
        return out;
    }

    /** One (dataset, model) run to do: {@code data} is what the loaders get, {@code config} the YAML. */
    public record Cell(String model, String dataset, Task task, Path data, Path config) {
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

    /** Finds the datasets of {@code tasks} under {@code dataRoot} and plans their cells with configs from {@code configDir}. */
    public static Plan discover(Path dataRoot, Path configDir, Set<Task> tasks) throws IOException {
        if (!Files.isDirectory(dataRoot)) {
            throw new IllegalArgumentException("--data-root " + dataRoot + " is not a directory");
        }
        List<Cell> cells = new ArrayList<>();
        List<Skipped> skipped = new ArrayList<>();
        Set<String> columnsTaken = new HashSet<>();
        for (Known k : KNOWN) {
            if (!tasks.contains(k.task())) {
                continue;
            }
            Path dir = dataRoot.resolve(k.folder());
            Optional<Path> data = dataPath(dir);
            if (data.isEmpty()) {
                skipped.add(new Skipped("*", k.folder(), k.task(), "not found: no non-empty folder " + dir));
                continue;
            }
            if (!columnsTaken.add(k.column())) {
                skipped.add(new Skipped("*", k.folder(), k.task(),
                        "same data as the " + k.column() + " column already planned from another folder"));
                continue;
            }
            if (k.config() == null) {
                skipped.add(new Skipped("*", k.folder(), k.task(), "no config for " + k.folder() + " in " + configDir + " yet"));
                continue;
            }
            Path config = configDir.resolve(k.config());
            if (!Files.isRegularFile(config)) {
                skipped.add(new Skipped("*", k.folder(), k.task(), "config " + config + " not found"));
                continue;
            }
            if (k.task() == Task.CLASSIFICATION) {
                cells.add(new Cell("vit_som_cls", k.folder(), k.task(), data.get(), config));
                continue;
            }
            cells.add(new Cell("vit_som", k.folder(), k.task(), data.get(), config));
            Path config24 = k.config24() == null ? null : configDir.resolve(k.config24());
            if (config24 != null && Files.isRegularFile(config24)) {
                cells.add(new Cell("vit_som_24", k.folder(), k.task(), data.get(), config24));
                // The paper's SOM baseline is 24x24 (451K = 576 x 784 weights): it takes the 24x24 config's grid.
                cells.add(new Cell("som", k.folder(), k.task(), data.get(), config24));
            } else {
                skipped.add(new Skipped("vit_som_24", k.folder(), k.task(),
                        "no 24x24 config " + (k.config24() == null ? "for " + k.folder() : configDir.resolve(k.config24()))));
                cells.add(new Cell("som", k.folder(), k.task(), data.get(), config));
            }
        }
        return new Plan(cells, skipped);
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
