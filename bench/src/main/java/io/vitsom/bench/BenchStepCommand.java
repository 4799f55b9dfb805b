package io.vitsom.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vitsom.model.checkpoint.CodeVersion;
import io.vitsom.model.config.ConfigLoader;
import io.vitsom.model.config.VitSomConfig;
import io.vitsom.model.infer.VitSomPredictor;
import io.vitsom.model.map.MapModelConfig;
import io.vitsom.model.map.MapModels;
import io.vitsom.model.nn.SomLayer;
import io.vitsom.model.nn.VitSom;
import io.vitsom.model.train.EpochSchedule;
import io.vitsom.model.train.StopSignal;
import io.vitsom.model.train.TrainingPlan;
import io.vitsom.model.train.VitSomTrainer;
import io.vitsom.model.urlsom.UrlSomConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code vitsom bench-step}: median training-step time and inference throughput of the Java model, next to
 * the PyTorch eager reference measured in the same run on the same machine. The config's {@code model_arch}
 * chooses the model: ViT-SOM ({@code vit_som}, {@code vit}) or URL-SOM ({@code url_som}; its step includes the
 * two-view augmentation in Java, timed apart, while PyTorch gets pre-augmented views).
 */
@Command(name = "bench-step", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Measure the median training-step time and inference images/s (encoder + SOM distances),",
                "for this DJL implementation and for PyTorch eager (bench/reference/bench_step.py), side by side.",
                "url_som configs: the DJL step (MapTrainer.step: two-view augmentation + network step) with the "
                        + "augmentation also timed apart, next to PyTorch's step on pre-augmented views "
                        + "(bench/reference/url_som_ref.py); inference is MapModel.assign (softmax, top 2).",
                "SIGTERM or Ctrl-C stops between steps, writes what was measured marked incomplete (nothing before the "
                        + "first timed step) and exits with 143 (130 for Ctrl-C)."})
public final class BenchStepCommand implements Callable<Integer> {
    @Option(names = "--config", required = true, description = "YAML config")
    Path config;

    @Option(names = "--batch", description = "training batch (default: 128 for ViT-SOM, the config's batch_size for URL-SOM)")
    Integer batchOption;

    /** The training batch in use. */
    int batch;

    @Option(names = "--steps", defaultValue = "20", description = "timed training steps (default: ${DEFAULT-VALUE})")
    int steps;

    @Option(names = "--warmup", defaultValue = "3", description = "untimed warm-up steps (default: ${DEFAULT-VALUE})")
    int warmup;

    @Option(names = "--infer-batch", defaultValue = "256", description = "inference batch (default: ${DEFAULT-VALUE})")
    int inferBatch;

    @Option(names = "--infer-batches", defaultValue = "10", description = "timed inference batches (default: ${DEFAULT-VALUE})")
    int inferBatches;

    @Option(names = "--rss-steps", defaultValue = "0",
            description = "extra training steps over which resident memory is sampled (0 = skip; e.g. 2000)")
    int rssSteps;

    @Option(names = "--no-reference", description = "skip the PyTorch measurement")
    boolean noReference;

    @Option(names = "--python", description = "Python with torch (default: /usr/bin/python3)")
    String python;

    @Option(names = "--out", description = "output directory (default: runs/bench-step-<config>)")
    Path out;

    @Override
    public Integer call() throws Exception {
        // Closed after the files are written and the model is freed: only then may a SIGTERM's exit proceed.
        try (StopSignal stop = StopSignal.installOnShutdown(StopSignal.DEFAULT_MAX_WAIT, System.err)) {
            return call(stop);
        }
    }

    private int call(StopSignal stop) throws Exception {
        MapModelConfig any = MapModels.load(config);
        String name = config.getFileName().toString().replaceFirst("\\.ya?ml$", "");
        Path dir = out != null ? out : Path.of("runs", "bench-step-" + name);
        if (any instanceof UrlSomConfig urlSom) {
            batch = batchOption != null ? batchOption : urlSom.batchSize();
            Files.createDirectories(dir);
            return new UrlSomStepBench(new UrlSomStepBench.Settings(config, batch, steps, warmup, inferBatch,
                    inferBatches, rssSteps, noReference, python)).run(urlSom.withBatchSize(batch), dir, stop);
        }
        batch = batchOption != null ? batchOption : 128;
        VitSomConfig cfg = ConfigLoader.load(config).withBatchSize(batch);
        Files.createDirectories(dir);
        ObjectNode java = measureJava(cfg, stop);
        if (stop.isRequested() && java.path("train_steps_timed").asInt() == 0) {
            System.err.println("bench-step: stopped (" + stop.reason() + ") before any training step was timed; "
                    + "nothing written");
            return StopSignal.EXIT_STOPPED;
        }
        ObjectNode result = BenchReport.JSON.createObjectNode();
        result.put("config", config.toString());
        result.put("batch", batch);
        result.put("infer_batch", inferBatch);
        result.put("machine", ProcessStats.machine());
        result.put("code_version", CodeVersion.describe());
        result.set("djl", java);
        result.put("incomplete", stop.isRequested());
        if (stop.isRequested()) {
            result.put("stop_reason", stop.reason());
        } else if (!noReference) {
            Path cfgJson = dir.resolve("config.json");
            BenchReport.JSON.writeValue(cfgJson.toFile(), ConfigLoader.toTree(cfg));
            System.err.println("measuring PyTorch eager (bench/reference/bench_step.py) ...");
            JsonNode ref = PythonReference.lastJsonLine(PythonReference.locate(python).run("bench_step.py", List.of(
                    "--config", cfgJson.toString(), "--batch", String.valueOf(batch), "--steps", String.valueOf(steps),
                    "--warmup", String.valueOf(warmup), "--infer-batch", String.valueOf(inferBatch), "--infer-steps", String.valueOf(inferBatches),
                    "--threads", String.valueOf(Runtime.getRuntime().availableProcessors()))));
            result.set("pytorch", ref);
        }
        return write(dir, result, markdown(result), stop);
    }

    /** Writes {@code bench-step.json} and {@code .md} and prints the Markdown; the exit code. */
    static int write(Path dir, ObjectNode result, String markdown, StopSignal stop) throws java.io.IOException {
        BenchReport.JSON.writeValue(dir.resolve("bench-step.json").toFile(), result);
        Files.writeString(dir.resolve("bench-step.md"), markdown);
        System.out.print(markdown);
        System.out.println("wrote " + dir.toAbsolutePath() + (stop.isRequested() ? " (incomplete)" : ""));
        return stop.isRequested() ? StopSignal.EXIT_STOPPED : 0;
    }

    /** The DJL measurements; after a stop, those finished ({@code train_steps_timed} says how many steps). */
    private ObjectNode measureJava(VitSomConfig cfg, StopSignal stop) {
        ObjectNode node = BenchReport.JSON.createObjectNode();
        int c = cfg.data().numChannels();
        int s = cfg.data().inputSize();
        Random random = new Random(0);
        float[] images = new float[batch * c * s * s];
        for (int i = 0; i < images.length; i++) {
            images[i] = random.nextFloat();
        }
        int[] labels = new int[batch];
        for (int i = 0; i < batch; i++) {
            labels[i] = cfg.classification() ? i % cfg.data().numClasses() : 0;
        }
        try (NDManager manager = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(0);
            VitSom model = VitSom.builder().setConfig(cfg).build();
            model.initialize(manager);
            TrainingPlan plan = new TrainingPlan(60_000, batch, cfg.totalEpochs());
            try (VitSomTrainer trainer = new VitSomTrainer(model, manager, new EpochSchedule(cfg, plan))) {
                // Mid-schedule, so every loss term (gamma > 0) is part of the measured step.
                trainer.setStepCount(plan.gammaRampEnd());
                double[] times = new double[steps];
                int timed = 0;
                // The step boundary: no step starts after a stop was requested.
                for (int i = 0; i < warmup + steps && !stop.isRequested(); i++) {
                    long t0 = System.nanoTime();
                    trainer.step(images, labels, batch);
                    if (i >= warmup) {
                        times[timed++] = (System.nanoTime() - t0) / 1e9;
                    }
                }
                node.put("train_steps_timed", timed);
                if (timed == 0) {
                    return node;
                }
                double median = median(Arrays.copyOf(times, timed));
                System.err.printf(Locale.ROOT, "DJL: training step median %.4f s (%.0f images/s)%n", median, batch / median);
                node.put("engine", "djl-pytorch " + Engine.getInstance().getVersion());
                node.put("train_step_median_s", median);
                node.put("train_images_per_second", batch / median);
                if (rssSteps > 0 && !stop.isRequested()) {
                    node.set("rss_mb", rssCurve(rssSteps, () -> trainer.step(images, labels, batch), stop));
                }
            }
            if (stop.isRequested()) {
                return node;
            }
            // As serving's loaded checkpoints do (VitSomMapModel.assign): the trained prototypes normalised once.
            model.som().ifPresent(SomLayer::pin);
            VitSomPredictor predictor = new VitSomPredictor(model, manager);
            float[] inferImages = Arrays.copyOf(images, inferBatch * c * s * s);
            for (int i = images.length; i < inferImages.length; i++) {
                inferImages[i] = random.nextFloat();
            }
            predictor.distances(inferImages, inferBatch);
            long t0 = System.nanoTime();
            int batches = 0;
            for (; batches < inferBatches && !stop.isRequested(); batches++) {
                predictor.distances(inferImages, inferBatch);
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            node.put("infer_batches_timed", batches);
            if (batches == 0) {
                return node;
            }
            node.put("infer_images_per_second", inferBatch * batches / seconds);
            node.put("threads", Runtime.getRuntime().availableProcessors());
            node.put("peak_rss_mb", ProcessStats.peakRssMb());
            System.err.printf(Locale.ROOT, "DJL: inference %.0f images/s%n", inferBatch * batches / seconds);
        }
        return node;
    }

    /** Resident memory over {@code rssSteps} more training steps ({@code step} runs one). */
    static com.fasterxml.jackson.databind.node.ArrayNode rssCurve(int rssSteps, Runnable step, StopSignal stop) {
        var curve = BenchReport.JSON.createArrayNode();
        Progress progress = new Progress("rss", rssSteps);
        for (int i = 1; i <= rssSteps && !stop.isRequested(); i++) {
            step.run();
            if (i % Math.max(1, rssSteps / 20) == 0 || i == rssSteps) {
                ObjectNode point = curve.addObject();
                point.put("step", i);
                point.put("rss_mb", ProcessStats.rssMb());
            }
            progress.update(i, String.format(Locale.ROOT, "RSS %.0f MB", ProcessStats.rssMb()));
        }
        return curve;
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static String markdown(ObjectNode r) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "# bench-step: %s, batch %d (inference batch %d)%n%n%s; code %s%n%n",
                r.path("config").asText(), r.path("batch").asInt(), r.path("infer_batch").asInt(),
                r.path("machine").asText(), r.path("code_version").asText()));
        if (r.path("incomplete").asBoolean()) {
            sb.append(String.format(Locale.ROOT, "**Incomplete** (%s): %d of the timed training steps, %d inference "
                            + "batch(es); the PyTorch reference did not run.%n%n", r.path("stop_reason").asText(),
                    r.path("djl").path("train_steps_timed").asInt(), r.path("djl").path("infer_batches_timed").asInt()));
        }
        sb.append("| Engine | Train step median (s) | Train images/s | Inference images/s |\n| :--- | ---: | ---: | ---: |\n");
        List<JsonNode> rows = new ArrayList<>();
        rows.add(r.path("djl"));
        if (r.has("pytorch")) {
            rows.add(r.path("pytorch"));
        }
        for (JsonNode n : rows) {
            sb.append(String.format(Locale.ROOT, "| %s | %.4f | %.1f | %.1f |%n", n.path("engine").asText()
                            + (n.has("torch_version") ? " " + n.path("torch_version").asText() : ""),
                    n.path("train_step_median_s").asDouble(), n.path("train_images_per_second").asDouble(),
                    n.path("infer_images_per_second").asDouble()));
        }
        if (r.has("pytorch")) {
            sb.append(String.format(Locale.ROOT, "%nSpeed-up of DJL over PyTorch eager: training %.2fx, inference %.2fx%n",
                    r.path("djl").path("train_images_per_second").asDouble()
                            / r.path("pytorch").path("train_images_per_second").asDouble(),
                    r.path("djl").path("infer_images_per_second").asDouble()
                            / r.path("pytorch").path("infer_images_per_second").asDouble()));
        }
        if (r.path("djl").has("rss_mb")) {
            sb.append("\nResident memory during the extra training steps (MB): ");
            for (JsonNode p : r.path("djl").path("rss_mb")) {
                sb.append(String.format(Locale.ROOT, "%d:%.0f ", p.path("step").asInt(), p.path("rss_mb").asDouble()));
            }
            sb.append('\n');
        }
        return sb.toString();
    }
}
