package io.vitsom.bench.drift;

import io.vitsom.bench.suite.SuiteDatasets;
import io.vitsom.model.adapt.AdaptationConfig;
import io.vitsom.model.map.MapModelConfig;
import io.vitsom.model.map.MapModels;
import io.vitsom.model.data.DatasetLoader;
import io.vitsom.model.data.Splits;
import io.vitsom.model.train.StopSignal;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code vitsom bench-drift}: how the continual learner meets a stream whose contents change half-way, and whether
 * its detectors stay silent on one that does not.
 */
@Command(name = "bench-drift", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Streams a dataset that changes at --switch-at through the streaming learner's continual "
                        + "training (rehearsal, plasticity, drift detection, quarantine) and measures when the change "
                        + "is detected, how much the old classes lose and how long the new ones take to catch up.",
                "class-split: the first half of DIR's classes (by label), then the others. dataset-switch: DIR's "
                        + "training images, then --to's (same image shape). stationary: DIR's whole training split, "
                        + "all classes shuffled, no switch (no --to, no --switch-at): every detection is a false "
                        + "alarm. The detectors arm at the end of --horizon-images (with rehearsal and the defaults, "
                        + "after 24,356 fresh images), so --images 80000 lets them watch over 50,000.",
                "Feed: with rehearsal on, each step gets half a batch of fresh images and the reservoir fills the "
                        + "rest, which models a feed slower than the learner; with rehearsal off, full batches of "
                        + "fresh images.",
                "Writes drift.json, drift.md and drift.png into --out. SIGTERM or Ctrl-C stops at the next step, "
                        + "writes what was measured marked \"complete\": false and exits with 143 (130 for Ctrl-C)."})
public final class BenchDriftCommand implements Callable<Integer> {
    /** Where the project's configs are, relative to the working directory (the launcher runs from the root). */
    static final Path CONFIGS = Path.of("configs");
    static final String DEFAULT_CONFIG = "vit_som_mnist.yaml";

    @Spec
    CommandSpec spec;

    @Option(names = "--data", required = true, description = "dataset streamed first (IDX, CIFAR binary, image "
            + "folders or .tar.gz); it needs a test split")
    Path data;

    @Option(names = "--config", description = "YAML config (default: the project's config for DIR's folder name, "
            + "e.g. configs/vit_som_fmnist.yaml for fashion-mnist, else configs/" + DEFAULT_CONFIG + ")")
    Path config;

    @Option(names = "--scenario", required = true, description = "class-split, dataset-switch or stationary")
    String scenario;

    @Option(names = "--to", description = "dataset-switch: the dataset streamed after the switch")
    Path to;

    @Option(names = "--images", defaultValue = "70000", description = "fresh images in all (default: ${DEFAULT-VALUE})")
    long images;

    @Option(names = "--switch-at", defaultValue = "55000",
            description = "fresh images before the switch; not for stationary (default: ${DEFAULT-VALUE})")
    long switchAt;

    @Option(names = "--plasticity", paramLabel = "on|off", defaultValue = "on",
            description = "answer a detection by raising temperature and learning rate (default: ${DEFAULT-VALUE})")
    String plasticity;

    @Option(names = "--plasticity-temperature-factor",
            defaultValue = "" + AdaptationConfig.Plasticity.DEFAULT_TEMPERATURE_FACTOR,
            description = "on a detection, multiply the temperature by this (as `run`; default: ${DEFAULT-VALUE})")
    double plasticityTemperature;

    @Option(names = "--plasticity-lr-factor",
            defaultValue = "" + AdaptationConfig.Plasticity.DEFAULT_LEARNING_RATE_FACTOR,
            description = "on a detection, multiply the learning rate by this (as `run`; default: ${DEFAULT-VALUE})")
    double plasticityLr;

    @Option(names = "--plasticity-anneal-images",
            defaultValue = "" + AdaptationConfig.Plasticity.DEFAULT_ANNEAL_IMAGES,
            description = "fresh images over which both factors return to 1 (as `run`; default: ${DEFAULT-VALUE})")
    long plasticityAnneal;

    @Option(names = "--rehearsal", paramLabel = "on|off", defaultValue = "on",
            description = "fill batches from a reservoir of earlier images (default: ${DEFAULT-VALUE})")
    String rehearsal;

    @Option(names = "--quarantine", paramLabel = "on|off", defaultValue = "off",
            description = "keep images far from every prototype out of training (default: ${DEFAULT-VALUE})")
    String quarantine;

    // 50,000: with 25,000 or less the temperature reached its floor before MNIST's encoder had learned, and the map
    // collapsed onto a few units. The detectors arm at its end, calibrate, and the switch comes after.
    @Option(names = "--horizon-images", defaultValue = "50000", description = "organisation horizon of the "
            + "schedules (trained images, fresh and rehearsed); the drift detectors arm at its end "
            + "(default: ${DEFAULT-VALUE})")
    long horizonImages;

    @Option(names = "--eval-every", defaultValue = "2500",
            description = "fresh images between evaluations (default: ${DEFAULT-VALUE})")
    long evalEvery;

    @Option(names = "--eval-images", defaultValue = "1000",
            description = "test images per group (old, new) in each evaluation (default: ${DEFAULT-VALUE})")
    int evalImages;

    @Option(names = "--seed", defaultValue = "0", description = "seed of the model, stream order and samples "
            + "(default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--limit", description = "use the first N images of each training split")
    Integer limit;

    @Option(names = "--out", required = true, description = "output directory")
    Path out;

    @Override
    public Integer call() throws IOException {
        DriftSettings settings = settings();
        // Closed after the result files are written and the model is freed: only then may a SIGTERM's exit proceed.
        try (StopSignal stop = StopSignal.installOnShutdown(StopSignal.DEFAULT_MAX_WAIT, System.err)) {
            return run(settings, stop);
        }
    }

    /** The options as settings; a wrong combination is a usage error (message and usage, exit status 2). */
    private DriftSettings settings() {
        DriftScenario.Kind kind;
        try {
            kind = DriftScenario.Kind.parse(scenario);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        if (kind == DriftScenario.Kind.DATASET_SWITCH && to == null) {
            throw new ParameterException(spec.commandLine(), "--scenario dataset-switch needs --to DIR: the dataset "
                    + "streamed after the switch");
        }
        if (kind == DriftScenario.Kind.CLASS_SPLIT && to != null) {
            throw new ParameterException(spec.commandLine(), "--to is for --scenario dataset-switch; class-split "
                    + "splits the classes of --data");
        }
        if (kind == DriftScenario.Kind.STATIONARY && to != null) {
            throw new ParameterException(spec.commandLine(), "--to is for --scenario dataset-switch; stationary "
                    + "streams --data alone");
        }
        // --switch-at has a default, so only the parse result tells whether it was given.
        boolean switchGiven = spec.commandLine().getParseResult().hasMatchedOption("--switch-at");
        if (kind == DriftScenario.Kind.STATIONARY && switchGiven) {
            throw new ParameterException(spec.commandLine(), "--switch-at is for class-split and dataset-switch; "
                    + "stationary streams --data without a switch");
        }
        try {
            return new DriftSettings(kind, data, to, config != null ? config : defaultConfig(data), images,
                    kind.switches() ? switchAt : images, horizonImages, evalEvery, evalImages, seed, limit,
                    new AdaptationConfig.Plasticity(on("--plasticity", plasticity), plasticityTemperature,
                            plasticityLr, plasticityAnneal),
                    on("--rehearsal", rehearsal), on("--quarantine", quarantine));
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    /** The project's config for a dataset folder the suite knows by name (fashion-mnist, usps), else MNIST's. */
    static Path defaultConfig(Path data) {
        String folder = String.valueOf(data.toAbsolutePath().normalize().getFileName()).toLowerCase(Locale.ROOT);
        return SuiteDatasets.KNOWN.stream()
                .filter(k -> k.folder().equals(folder) && k.task() == SuiteDatasets.Task.CLUSTERING)
                .map(k -> CONFIGS.resolve(k.config())).findFirst().orElse(CONFIGS.resolve(DEFAULT_CONFIG));
    }

    private int run(DriftSettings settings, StopSignal stop) throws IOException {
        if (config == null && !Files.isRegularFile(settings.config())) {
            throw new IllegalArgumentException("no --config given and " + settings.config() + " does not exist here "
                    + "(run from the project root, or pass --config)");
        }
        MapModelConfig cfg = MapModels.load(settings.config());
        if (cfg.classification() || !cfg.usesSom()) {
            throw new IllegalArgumentException(settings.config() + " is not a clustering map config "
                    + "(num_classes 0, model_arch vit_som or url_som): bench-drift follows a self-organizing map");
        }
        // The shapes are read from file headers first: a wrong dataset fails in a second, before anything loads.
        String shape = DatasetLoader.peekShape(data);
        requireConfigFits(cfg, settings.config(), shape);
        if (to != null) {
            String toShape = DatasetLoader.peekShape(to);
            if (!toShape.equals(shape)) {
                throw new IllegalArgumentException("--to " + to + " holds " + toShape + " images but --data " + data
                        + " holds " + shape + " images; dataset-switch needs the same channels x height x width");
            }
        }
        DriftScenario s = scenario(settings);
        DriftReport report = new DriftRun(settings, cfg, System.out, stop).run(s);
        report.write(out);
        System.out.println();
        System.out.print(DriftMarkdown.of(report));
        System.out.printf("%nwrote %s (drift.json, drift.md, drift.png)%s%n", out.toAbsolutePath(),
                report.complete() ? "" : " (incomplete)");
        return report.complete() ? 0 : StopSignal.EXIT_STOPPED;
    }

    private DriftScenario scenario(DriftSettings settings) throws IOException {
        System.err.println("loading " + data + " ...");
        Splits first = limited(DatasetLoader.load(data, null));
        if (settings.kind() == DriftScenario.Kind.CLASS_SPLIT) {
            return DriftScenario.classSplit(first, evalImages, seed);
        }
        if (settings.kind() == DriftScenario.Kind.STATIONARY) {
            return DriftScenario.stationary(first, evalImages, seed);
        }
        System.err.println("loading " + to + " ...");
        return DriftScenario.datasetSwitch(first, limited(DatasetLoader.load(to, null)), evalImages, seed);
    }

    private Splits limited(Splits splits) {
        return limit == null ? splits : new Splits(splits.name(), splits.train().limit(limit), splits.test());
    }

    /** Fails naming both shapes and, where the project has one, the config that reads the dataset's. */
    static void requireConfigFits(MapModelConfig cfg, Path configFile, String imageShape) {
        int size = cfg.inputSize();
        String modelShape = cfg.numChannels() + "x" + size + "x" + size;
        if (modelShape.equals(imageShape)) {
            return;
        }
        String suggestion = configFor(imageShape).map(p -> "; use --config " + p)
                .orElse("; none of " + CONFIGS + "/vit_som_*.yaml reads them, so write a config with that "
                        + "data.num_channels and data.input_size");
        throw new IllegalArgumentException("the dataset's images are " + imageShape + " but " + configFile + " reads "
                + modelShape + suggestion);
    }

    /** The first of the project's ViT-SOM configs (by name) that reads images of {@code shape}. */
    private static Optional<Path> configFor(String shape) {
        if (!Files.isDirectory(CONFIGS)) {
            return Optional.empty();
        }
        try (Stream<Path> files = Files.list(CONFIGS)) {
            return files.sorted().filter(p -> p.getFileName().toString().matches("vit_som_.*\\.yaml"))
                    .filter(p -> reads(p, shape)).findFirst();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static boolean reads(Path file, String shape) {
        try {
            MapModelConfig c = MapModels.load(file);
            int s = c.inputSize();
            return !c.classification() && (c.numChannels() + "x" + s + "x" + s).equals(shape);
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** A switch's value: {@code on} or {@code off}. */
    private boolean on(String option, String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "on" -> true;
            case "off" -> false;
            default -> throw new ParameterException(spec.commandLine(), option + " must be on or off, got '" + value
                    + "'");
        };
    }
}
