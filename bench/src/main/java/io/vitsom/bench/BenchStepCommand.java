package io.vitsom.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vitsom.model.checkpoint.CodeVersion;
import io.vitsom.model.config.ConfigLoader;
import io.vitsom.model.config.VitSomConfig;
import io.vitsom.model.infer.VitSomPredictor;
import io.vitsom.model.map.MapModel;
import io.vitsom.model.map.MapModelConfig;
import io.vitsom.model.map.MapModels;
import io.vitsom.model.map.MapTrainer;
import io.vitsom.model.nn.VitSom;
import io.vitsom.model.train.EpochSchedule;
import io.vitsom.model.train.StopSignal;
import io.vitsom.model.train.TrainingPlan;
import io.vitsom.model.train.VitSomTrainer;
import io.vitsom.model.urlsom.UrlSomConfig;
import io.vitsom.model.urlsom.UrlSomViews;
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
            return callUrlSom(urlSom.withBatchSize(batch), dir, stop);
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
        BenchReport.JSON.writeValue(dir.resolve("bench-step.json").toFile(), result);
        String md = markdown(result);
        Files.writeString(dir.resolve("bench-step.md"), md);
        System.out.print(md);
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
                    node.set("rss_mb", rssCurve(() -> trainer.step(images, labels, batch), stop));
                }
            }
            if (stop.isRequested()) {
                return node;
            }
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

    /** Resident memory over {@code --rss-steps} more training steps ({@code step} runs one). */
    private com.fasterxml.jackson.databind.node.ArrayNode rssCurve(Runnable step, StopSignal stop) {
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

    // ---------------------------------------------------------------------------------------------------------
    // URL-SOM
    // ---------------------------------------------------------------------------------------------------------

    /** What the URL-SOM numbers include, written into the JSON and the Markdown. */
    static final String URL_SOM_DJL_STEP = "MapTrainer.step: two-view augmentation in Java (UrlSomViews, one thread) "
            + "+ one training-mode forward of 2 x batch views + loss + backward + Adam + the step's BMUs";
    static final String URL_SOM_DJL_NETWORK = "step minus the augmentation timed just before it on the same batch "
            + "(an estimate: the augmentation is repeated outside the step, same code, same batch)";

    private int callUrlSom(UrlSomConfig cfg, Path dir, StopSignal stop) throws Exception {
        ObjectNode java = measureUrlSom(cfg, stop);
        if (stop.isRequested() && java.path("train_steps_timed").asInt() == 0) {
            System.err.println("bench-step: stopped (" + stop.reason() + ") before any training step was timed; "
                    + "nothing written");
            return StopSignal.EXIT_STOPPED;
        }
        ObjectNode result = BenchReport.JSON.createObjectNode();
        result.put("config", config.toString());
        result.put("model_arch", cfg.modelArch());
        result.put("batch", batch);
        result.put("infer_batch", inferBatch);
        result.put("images_per_second_means", "source images per second: batch / median step (each image gives two "
                + "views, so a step runs 2 x batch images through the network)");
        result.put("machine", ProcessStats.machine());
        result.put("code_version", CodeVersion.describe());
        result.set("djl", java);
        result.put("incomplete", stop.isRequested());
        if (stop.isRequested()) {
            result.put("stop_reason", stop.reason());
        } else if (!noReference) {
            Path specJson = dir.resolve("url_som_spec.json");
            BenchReport.JSON.writeValue(specJson.toFile(), urlSomSpec(cfg));
            System.err.println("measuring PyTorch eager (bench/reference/bench_step.py --model url_som) ...");
            JsonNode ref = PythonReference.lastJsonLine(PythonReference.locate(python).run("bench_step.py", List.of(
                    "--model", "url_som", "--config", specJson.toString(), "--batch", String.valueOf(batch),
                    "--steps", String.valueOf(steps), "--warmup", String.valueOf(warmup),
                    "--infer-batch", String.valueOf(inferBatch), "--infer-steps", String.valueOf(inferBatches),
                    "--threads", String.valueOf(Runtime.getRuntime().availableProcessors()))));
            result.set("pytorch", ref);
        }
        BenchReport.JSON.writeValue(dir.resolve("bench-step.json").toFile(), result);
        String md = urlSomMarkdown(result);
        Files.writeString(dir.resolve("bench-step.md"), md);
        System.out.print(md);
        System.out.println("wrote " + dir.toAbsolutePath() + (stop.isRequested() ? " (incomplete)" : ""));
        return stop.isRequested() ? StopSignal.EXIT_STOPPED : 0;
    }

    /**
     * The model as {@code bench/reference/url_som_ref.py} reads it (its docstring lists the keys): what the
     * PyTorch side needs to build the same network, loss and optimizer.
     */
    static ObjectNode urlSomSpec(UrlSomConfig cfg) {
        ObjectNode spec = BenchReport.JSON.createObjectNode();
        spec.put("in_channels", cfg.numChannels());
        spec.put("input_size", cfg.inputSize());
        var widths = spec.putArray("widths");
        cfg.backbone().widths().forEach(widths::add);
        spec.put("blocks_per_stage", cfg.backbone().blocksPerStage());
        spec.put("activation", cfg.backbone().activation().configName());
        spec.put("map_rows", cfg.map().rows());
        spec.put("map_cols", cfg.map().cols());
        ObjectNode kernel = spec.putObject("kernel");
        if (cfg.map().kernel() instanceof UrlSomConfig.Gaussian g) {
            kernel.put("type", "gaussian");
            kernel.put("sigma", g.sigma());
        } else if (cfg.map().kernel() instanceof UrlSomConfig.StudentT t) {
            kernel.put("type", "student_t");
            kernel.put("scale", t.scale());
            kernel.put("size", t.size());
        }
        spec.put("projection_dropout", cfg.map().projectionDropout());
        spec.put("projection_l2", cfg.map().projectionL2());
        spec.put("gamma", cfg.gamma());
        spec.put("lr", cfg.optimizer().peakLearningRate());
        spec.put("beta_1", cfg.optimizer().beta1());
        spec.put("beta_2", cfg.optimizer().beta2());
        return spec;
    }

    /** The DJL measurements of URL-SOM through the MapModel seam; after a stop, those finished. */
    private ObjectNode measureUrlSom(UrlSomConfig cfg, StopSignal stop) {
        ObjectNode node = BenchReport.JSON.createObjectNode();
        int per = cfg.imageFloats();
        Random random = new Random(0);
        float[] images = new float[batch * per];
        for (int i = 0; i < images.length; i++) {
            images[i] = random.nextFloat();
        }
        try (NDManager manager = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(0);
            MapModel model = MapModels.create(cfg, manager);
            node.put("trainable_parameters", model.trainableParameterCount());
            // The streaming schedule past its warm-up (the peak learning rate); the rate does not change the work.
            try (MapTrainer trainer = model.newTrainer(model.streamingSchedule(300_000L))) {
                trainer.setStepCount(100);
                // The same augmentation as the trainer's, timed on its own just before each step.
                UrlSomViews views = new UrlSomViews(cfg.augment(), cfg.numChannels(), cfg.inputSize(), 1);
                double[] stepTimes = new double[steps];
                double[] augmentTimes = new double[steps];
                double[] networkTimes = new double[steps];
                int timed = 0;
                for (int i = 0; i < warmup + steps && !stop.isRequested(); i++) {
                    long t0 = System.nanoTime();
                    views.twoViews(images, batch);
                    long t1 = System.nanoTime();
                    trainer.step(images, batch);
                    long t2 = System.nanoTime();
                    if (i >= warmup) {
                        augmentTimes[timed] = (t1 - t0) / 1e9;
                        stepTimes[timed] = (t2 - t1) / 1e9;
                        networkTimes[timed] = stepTimes[timed] - augmentTimes[timed];
                        timed++;
                    }
                }
                node.put("train_steps_timed", timed);
                if (timed == 0) {
                    return node;
                }
                double median = median(Arrays.copyOf(stepTimes, timed));
                double augment = median(Arrays.copyOf(augmentTimes, timed));
                double network = median(Arrays.copyOf(networkTimes, timed));
                System.err.printf(Locale.ROOT, "DJL: training step median %.4f s (%.1f images/s); two-view "
                        + "augmentation %.4f s; network step ~%.4f s (%.1f images/s)%n", median, batch / median,
                        augment, network, batch / network);
                node.put("engine", "djl-pytorch " + Engine.getInstance().getVersion());
                node.put("train_step_includes", URL_SOM_DJL_STEP);
                node.put("train_step_median_s", median);
                node.put("train_step_min_s", Arrays.stream(stepTimes, 0, timed).min().orElse(median));
                node.put("train_images_per_second", batch / median);
                node.put("augment_median_s", augment);
                node.put("augment_images_per_second", batch / augment);
                node.put("network_step_includes", URL_SOM_DJL_NETWORK);
                node.put("network_step_median_s", network);
                node.put("network_images_per_second", batch / network);
                if (rssSteps > 0 && !stop.isRequested()) {
                    node.set("rss_mb", rssCurve(() -> trainer.step(images, batch), stop));
                }
            }
            if (stop.isRequested()) {
                return node;
            }
            float[] inferImages = new float[inferBatch * per];
            for (int i = 0; i < inferImages.length; i++) {
                inferImages[i] = random.nextFloat();
            }
            model.assign(inferImages, inferBatch);
            double[] inferTimes = new double[inferBatches];
            int batches = 0;
            for (; batches < inferBatches && !stop.isRequested(); batches++) {
                long t0 = System.nanoTime();
                model.assign(inferImages, inferBatch);
                inferTimes[batches] = (System.nanoTime() - t0) / 1e9;
            }
            node.put("infer_batches_timed", batches);
            if (batches == 0) {
                return node;
            }
            double inferMedian = median(Arrays.copyOf(inferTimes, batches));
            node.put("infer_includes", "MapModel.assign: inference-mode forward, softmax, BMU, 1 - max p, second unit");
            node.put("infer_batch_median_s", inferMedian);
            node.put("infer_images_per_second", inferBatch / inferMedian);
            node.put("threads", Runtime.getRuntime().availableProcessors());
            node.put("peak_rss_mb", ProcessStats.peakRssMb());
            System.err.printf(Locale.ROOT, "DJL: inference %.0f images/s%n", inferBatch / inferMedian);
        }
        return node;
    }

    private static String urlSomMarkdown(ObjectNode r) {
        StringBuilder sb = new StringBuilder();
        JsonNode djl = r.path("djl");
        sb.append(String.format(Locale.ROOT, "# bench-step (URL-SOM): %s, batch %d (inference batch %d)%n%n%s; code %s%n%n",
                r.path("config").asText(), r.path("batch").asInt(), r.path("infer_batch").asInt(),
                r.path("machine").asText(), r.path("code_version").asText()));
        if (r.path("incomplete").asBoolean()) {
            sb.append(String.format(Locale.ROOT, "**Incomplete** (%s): %d of the timed training steps, %d inference "
                            + "batch(es); the PyTorch reference did not run.%n%n", r.path("stop_reason").asText(),
                    djl.path("train_steps_timed").asInt(), djl.path("infer_batches_timed").asInt()));
        }
        sb.append("| Engine | What the train step includes | Train step median (s) | Train images/s | Inference images/s "
                + "| Peak RSS (MB) |\n| :--- | :--- | ---: | ---: | ---: | ---: |\n");
        sb.append(String.format(Locale.ROOT, "| %s | augmentation (Java) + network step | %.4f | %.1f | %.1f | %.0f |%n",
                djl.path("engine").asText(), djl.path("train_step_median_s").asDouble(),
                djl.path("train_images_per_second").asDouble(), djl.path("infer_images_per_second").asDouble(),
                djl.path("peak_rss_mb").asDouble()));
        sb.append(String.format(Locale.ROOT, "| %s | network step (step - augmentation) | %.4f | %.1f | | |%n",
                djl.path("engine").asText(), djl.path("network_step_median_s").asDouble(),
                djl.path("network_images_per_second").asDouble()));
        JsonNode py = r.path("pytorch");
        if (r.has("pytorch")) {
            sb.append(String.format(Locale.ROOT, "| %s %s | network step (pre-augmented views) | %.4f | %.1f | %.1f | %.0f |%n",
                    py.path("engine").asText(), py.path("torch_version").asText(), py.path("train_step_median_s").asDouble(),
                    py.path("train_images_per_second").asDouble(), py.path("infer_images_per_second").asDouble(),
                    py.path("peak_rss_mb").asDouble()));
        }
        sb.append(String.format(Locale.ROOT, "%nTwo-view augmentation in Java: median %.4f s per batch (%.1f images/s)"
                        + "; images/s are source images (batch / step); each step runs 2 x %d views through the network.%n",
                djl.path("augment_median_s").asDouble(), djl.path("augment_images_per_second").asDouble(),
                r.path("batch").asInt()));
        if (r.has("pytorch")) {
            double pyRate = py.path("train_images_per_second").asDouble();
            sb.append(String.format(Locale.ROOT, "%nSpeed-up of DJL over PyTorch eager: network step %.2fx, whole step "
                            + "with augmentation %.2fx, inference %.2fx%n",
                    djl.path("network_images_per_second").asDouble() / pyRate,
                    djl.path("train_images_per_second").asDouble() / pyRate,
                    djl.path("infer_images_per_second").asDouble() / py.path("infer_images_per_second").asDouble()));
        }
        if (djl.has("rss_mb")) {
            sb.append("\nResident memory during the extra training steps (MB): ");
            for (JsonNode p : djl.path("rss_mb")) {
                sb.append(String.format(Locale.ROOT, "%d:%.0f ", p.path("step").asInt(), p.path("rss_mb").asDouble()));
            }
            sb.append('\n');
        }
        return sb.toString();
    }
}
