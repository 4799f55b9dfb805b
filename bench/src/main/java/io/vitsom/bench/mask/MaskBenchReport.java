package io.vitsom.bench.mask;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vitsom.bench.InterruptedRun;
import io.vitsom.model.render.LineChart;
import io.vitsom.model.sommask.SomMaskConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * The outcome of a SOM-as-a-mask comparison: {@code results.json}, {@code results.md} and {@code curves.png}.
 * The top level of {@code results.json} describes the configured SOM-masked network ({@code som_mask}); {@code arms}
 * lists every arm, that one first, with the same fields.
 *
 * @param configFile the config file as given
 * @param config the config the run used (epochs overridden where asked)
 * @param dataPath the dataset folder or archive
 * @param dataset the dataset's name
 * @param limit the training-image limit, or null
 * @param seed the first run's seed
 * @param runsPlanned runs asked for
 * @param trainImages training images used
 * @param testImages test images
 * @param machine {@code ProcessStats.machine()}
 * @param wallSeconds the whole benchmark's wall time
 * @param arms every arm with its finished runs, in run order (the configured network first)
 * @param interrupted the run a stop cut short, or null
 * @param interruptedArm the arm that run was training, or null
 */
public record MaskBenchReport(String configFile, SomMaskConfig config, String dataPath, String dataset, Integer limit,
                              long seed, int runsPlanned, int trainImages, int testImages, String machine,
                              double wallSeconds, List<ArmResult> arms, InterruptedRun interrupted,
                              String interruptedArm) {
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** What {@code active_neurons} counts, for both result files. */
    static final String ACTIVE_DEFINITION = "active neurons: per test image, the hidden neurons of the masked layers "
            + "(fc: neurons; cnn: channels; conv_som: channels, averaged over positions) whose mask is non-zero, "
            + "averaged over the test split; arms without a SOM (full, pruned, dropout at inference) count every "
            + "neuron of those layers. A Gaussian mask without threshold is non-zero everywhere, so only a top-k "
            + "threshold lowers the count.";

    public MaskBenchReport {
        Objects.requireNonNull(config, "config");
        arms = List.copyOf(arms);
        if (arms.isEmpty()) {
            throw new IllegalArgumentException("a report needs at least one arm");
        }
    }

    /** Whether a stop cut the benchmark short. */
    public boolean incomplete() {
        return interrupted != null;
    }

    /** The configured SOM-masked network's result. */
    public ArmResult main() {
        return arms.get(0);
    }

    /** Writes {@code results.json}, {@code results.md} and {@code curves.png} into {@code dir}. */
    public void write(Path dir) throws IOException {
        Files.createDirectories(dir);
        JSON.writeValue(dir.resolve("results.json").toFile(), json());
        Files.writeString(dir.resolve("results.md"), markdown());
        curves().writePng(dir.resolve("curves.png"));
    }

    ObjectNode json() {
        ObjectNode root = JSON.createObjectNode();
        root.put("task", "som_mask");
        root.put("model", SomMaskConfig.MODEL_ARCH);
        root.put("network", config.network().configName());
        root.put("config", configFile);
        root.put("dataset", dataset);
        root.put("epochs", config.totalEpochs());
        root.put("incomplete", incomplete());
        writeArm(root, main());
        ArrayNode armsNode = root.putArray("arms");
        for (ArmResult arm : arms) {
            ObjectNode a = armsNode.addObject();
            a.put("name", arm.name());
            a.put("description", arm.description());
            writeArm(a, arm);
        }
        root.put("active_neurons_definition", ACTIVE_DEFINITION);
        ObjectNode provenance = root.putObject("provenance");
        provenance.put("machine", machine);
        provenance.put("config_file", configFile);
        provenance.set("config", config.toTree());
        provenance.put("data_path", dataPath);
        provenance.put("train_images", trainImages);
        provenance.put("test_images", testImages);
        provenance.put("epochs", config.totalEpochs());
        provenance.put("batch_size", config.batchSize());
        provenance.put("seed", seed);
        provenance.put("runs_planned", runsPlanned);
        if (limit == null) {
            provenance.putNull("limit");
        } else {
            provenance.put("limit", limit);
        }
        provenance.put("wall_seconds", wallSeconds);
        ObjectNode params = provenance.putObject("params");
        arms.forEach(a -> params.put(a.name(), a.params()));
        if (interrupted != null) {
            ObjectNode i = root.putObject("interrupted_run");
            interrupted.writeTo(i);
            i.put("arm", interruptedArm);
        }
        return root;
    }

    private static void writeArm(ObjectNode o, ArmResult arm) {
        o.put("params", arm.params());
        ObjectNode accuracy = o.putObject("accuracy");
        if (arm.runs().isEmpty()) {
            accuracy.putNull("mean");
            accuracy.putNull("std");
        } else {
            accuracy.put("mean", arm.accuracyMean());
            accuracy.put("std", arm.accuracyStd());
        }
        writeActive(o, arm.activeMean());
        ArrayNode runs = o.putArray("runs");
        for (ArmRun r : arm.runs()) {
            ObjectNode run = runs.addObject();
            run.put("seed", r.seed());
            run.put("accuracy", r.accuracy());
            writeActive(run, r.activePerLayer());
            run.put("train_seconds", r.trainSeconds());
            ArrayNode curve = run.putArray("curve");
            for (ArmRun.EpochPoint p : r.curve()) {
                ObjectNode point = curve.addObject();
                point.put("epoch", p.epoch());
                point.put("test_accuracy", p.testAccuracy());
                point.put("train_loss", p.trainLoss());
            }
        }
    }

    private static void writeActive(ObjectNode o, double[] perLayer) {
        ObjectNode active = o.putObject("active_neurons");
        ArrayNode layers = active.putArray("layers");
        double total = 0;
        for (double v : perLayer) {
            layers.add(v);
            total += v;
        }
        active.put("total", total);
    }

    /** The results as Markdown: the comparison table with the seed's numbers, the sigma sweep, the curves. */
    public String markdown() {
        StringBuilder md = new StringBuilder();
        md.append(String.format(Locale.ROOT, "# SOM as a mask (seed 002): %s, network %s%n%n", dataset,
                config.network().configName()));
        md.append(String.format(Locale.ROOT, "Config `%s`; %d epoch(s), batch %d, %d run(s) from seed %d; %d training "
                        + "images%s, %d test images; %s; %.0f s wall.%n%n", configFile, config.totalEpochs(),
                config.batchSize(), runsPlanned, seed, trainImages, limit == null ? "" : " (--limit " + limit + ")",
                testImages, machine, wallSeconds));
        if (interrupted != null) {
            md.append(interrupted.markdown(main().runs().size()).stripTrailing())
                    .append(String.format(Locale.ROOT, " Arm: %s.%n%n", interruptedArm));
        }
        md.append("Test accuracy after the last epoch (mean ± std over runs). ").append(ACTIVE_DEFINITION)
                .append(String.format(Locale.ROOT, " Masked layers: %s.%n%n", config.maskedWidths()));
        md.append("| arm | what | params | test accuracy | active neurons per layer | active total | seed 002 |\n");
        md.append("|---|---|---:|---:|---|---:|---|\n");
        for (ArmResult arm : arms) {
            md.append(String.format(Locale.ROOT, "| %s | %s | %d | %s | %s | %s | %s |%n", arm.name(),
                    arm.description(), arm.params(), accuracy(arm), layers(arm.activeMean()), total(arm.activeMean()),
                    seedNumber(arm.name()).orElse("–")));
        }
        md.append('\n').append(seedNote()).append("\n\n");
        List<ArmResult> sweep = arms.stream().filter(a -> a.name().startsWith("sigma_")).toList();
        if (!sweep.isEmpty()) {
            md.append("## Sigma sweep\n\nOne sigma for organising and forwarding, as the seed's CIFAR-10 figure. The "
                    + "seed gives no numbers, only the order of its curves, top to bottom: inf, 50, 20, 5.\n\n");
            md.append("| sigma | test accuracy | rank here | seed's rank |\n|---|---:|---:|---:|\n");
            List<ArmResult> ranked = sweep.stream()
                    .sorted((a, b) -> Double.compare(b.accuracyMean(), a.accuracyMean())).toList();
            List<String> seedOrder = List.of("sigma_inf", "sigma_50", "sigma_20", "sigma_5");
            for (ArmResult arm : sweep) {
                int seedRank = seedOrder.indexOf(arm.name());
                md.append(String.format(Locale.ROOT, "| %s | %s | %d | %s |%n", arm.name().substring(6),
                        accuracy(arm), ranked.indexOf(arm) + 1, seedRank < 0 ? "–" : Integer.toString(seedRank + 1)));
            }
            md.append('\n');
        }
        md.append("## Test accuracy per epoch (mean over runs; `curves.png`)\n\n| epoch |");
        arms.forEach(a -> md.append(' ').append(a.name()).append(" |"));
        md.append("\n|---:|");
        arms.forEach(a -> md.append("---:|"));
        md.append('\n');
        int epochs = arms.stream().mapToInt(a -> a.curveMean().length).max().orElse(0);
        for (int e = 0; e < epochs; e++) {
            md.append("| ").append(e + 1).append(" |");
            for (ArmResult a : arms) {
                double[] c = a.curveMean();
                md.append(e < c.length ? String.format(Locale.ROOT, " %.4f |", c[e]) : " |");
            }
            md.append('\n');
        }
        return md.toString();
    }

    private static String accuracy(ArmResult arm) {
        if (arm.runs().isEmpty()) {
            return "(no finished run)";
        }
        return String.format(Locale.ROOT, "%.2f%% ± %.2f", 100 * arm.accuracyMean(), 100 * arm.accuracyStd());
    }

    private static String layers(double[] active) {
        StringBuilder s = new StringBuilder();
        for (double v : active) {
            s.append(s.length() == 0 ? "" : " / ").append(String.format(Locale.ROOT, "%.1f", v));
        }
        return s.toString();
    }

    private static String total(double[] active) {
        double t = 0;
        for (double v : active) {
            t += v;
        }
        return active.length == 0 ? "" : String.format(Locale.ROOT, "%.1f", t);
    }

    /** The seed's number for an arm of this config, where it reports one (MNIST CNN only). */
    private Optional<String> seedNumber(String arm) {
        if (!dataset.toLowerCase(Locale.ROOT).contains("mnist") || dataset.toLowerCase(Locale.ROOT).contains("fashion")
                || config.network() == SomMaskConfig.Network.FC) {
            return Optional.empty();
        }
        return switch (arm) {
            case "full" -> Optional.of("98.76% (CNN)");
            case "som_mask" -> Optional.of("99.02% (SOM-CNN)");
            case "som_mask_p5" -> Optional.of("98.9% at ~5% active");
            default -> Optional.empty();
        };
    }

    private String seedNote() {
        return switch (config.network()) {
            case FC -> "Seed 002 reports no accuracy numbers for the fully connected networks: its last figure (full "
                    + "network, SOM mask with 5 active neurons, pruned network of 5 neurons, dropout with keep ratio "
                    + "0.05) and its CIFAR-10 sigma figure are curves only. Its numbers are for MNIST CNNs: SOM-CNN "
                    + "99.02% vs CNN 98.76%, and 98.9% with a threshold keeping ~5% of the neurons.";
            case CNN, CONV_SOM -> "Seed 002 on MNIST: SOM-CNN 99.02% vs CNN 98.76% (\"an extremely slight margin\"); a "
                    + "threshold mask keeping ~5% of the neurons of the CNN layers reaches 98.9%. It names neither the "
                    + "CNN's layers nor its training budget, so the budgets differ.";
        };
    }

    /** Test accuracy per epoch of every arm (mean over runs) and the main arm's training loss. */
    LineChart curves() {
        LineChart.Panel accuracy = LineChart.Panel.of("", "test accuracy (mean over runs)");
        for (ArmResult arm : arms) {
            if (arm.runs().isEmpty()) {
                continue;
            }
            double[] y = arm.curveMean();
            double[] x = new double[y.length];
            for (int e = 0; e < y.length; e++) {
                x[e] = e + 1;
            }
            accuracy = accuracy.with(arm.name(), x, y);
        }
        LineChart.Panel loss = LineChart.Panel.of("", "training loss (first run)");
        for (ArmResult arm : arms) {
            if (arm.runs().isEmpty()) {
                continue;
            }
            List<ArmRun.EpochPoint> curve = arm.runs().get(0).curve();
            double[] x = curve.stream().mapToDouble(ArmRun.EpochPoint::epoch).toArray();
            double[] y = curve.stream().mapToDouble(ArmRun.EpochPoint::trainLoss).toArray();
            loss = loss.with(arm.name(), x, y);
        }
        return LineChart.builder().title("SOM as a mask: " + dataset + ", " + config.network().configName())
                .xLabel("epoch").panel(accuracy).panel(loss).build();
    }
}
