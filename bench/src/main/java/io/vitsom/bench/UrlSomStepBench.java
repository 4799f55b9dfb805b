package io.vitsom.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vitsom.model.checkpoint.CodeVersion;
import io.vitsom.model.map.MapModel;
import io.vitsom.model.map.MapModels;
import io.vitsom.model.map.MapTrainer;
import io.vitsom.model.train.StopSignal;
import io.vitsom.model.urlsom.UrlSomConfig;
import io.vitsom.model.urlsom.UrlSomViews;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * {@code bench-step} for a URL-SOM config: the training step through the {@link MapModel} seam (its two-view
 * augmentation timed apart), inference, and PyTorch eager's step on pre-augmented views
 * ({@code bench/reference/url_som_ref.py}) in the same run. {@link BenchStepCommand} dispatches here on
 * {@code model_arch}.
 */
final class UrlSomStepBench {
    /** {@code bench-step}'s options, as this measurement uses them. */
    record Settings(Path config, int batch, int steps, int warmup, int inferBatch, int inferBatches, int rssSteps,
                    boolean noReference, String python) {
    }

    private final Settings settings;

    UrlSomStepBench(Settings settings) {
        this.settings = settings;
    }

    /** What the URL-SOM numbers include, written into the JSON and the Markdown. */
    static final String URL_SOM_DJL_STEP = "MapTrainer.step: two-view augmentation in Java (UrlSomViews, one thread) "
            + "+ one training-mode forward of 2 x batch views + loss + backward + Adam + the step's BMUs";
    static final String URL_SOM_DJL_NETWORK = "step minus the augmentation timed just before it on the same batch "
            + "(an estimate: the augmentation is repeated outside the step, same code, same batch)";

    int run(UrlSomConfig cfg, Path dir, StopSignal stop) throws Exception {
        ObjectNode java = measureUrlSom(cfg, stop);
        if (stop.isRequested() && java.path("train_steps_timed").asInt() == 0) {
            System.err.println("bench-step: stopped (" + stop.reason() + ") before any training step was timed; "
                    + "nothing written");
            return StopSignal.EXIT_STOPPED;
        }
        ObjectNode result = BenchReport.JSON.createObjectNode();
        result.put("config", settings.config().toString());
        result.put("model_arch", cfg.modelArch());
        result.put("batch", settings.batch());
        result.put("infer_batch", settings.inferBatch());
        result.put("images_per_second_means", "source images per second: batch / median step (each image gives two "
                + "views, so a step runs 2 x batch images through the network)");
        result.put("machine", ProcessStats.machine());
        result.put("code_version", CodeVersion.describe());
        result.set("djl", java);
        result.put("incomplete", stop.isRequested());
        if (stop.isRequested()) {
            result.put("stop_reason", stop.reason());
        } else if (!settings.noReference()) {
            Path specJson = dir.resolve("url_som_spec.json");
            BenchReport.JSON.writeValue(specJson.toFile(), urlSomSpec(cfg));
            System.err.println("measuring PyTorch eager (bench/reference/bench_step.py --model url_som) ...");
            JsonNode ref = PythonReference.lastJsonLine(PythonReference.locate(settings.python()).run("bench_step.py", List.of(
                    "--model", "url_som", "--config", specJson.toString(), "--batch", String.valueOf(settings.batch()),
                    "--steps", String.valueOf(settings.steps()), "--warmup", String.valueOf(settings.warmup()),
                    "--infer-batch", String.valueOf(settings.inferBatch()), "--infer-steps", String.valueOf(settings.inferBatches()),
                    "--threads", String.valueOf(Runtime.getRuntime().availableProcessors()))));
            result.set("pytorch", ref);
        }
        return BenchStepCommand.write(dir, result, urlSomMarkdown(result), stop);
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
        float[] images = new float[settings.batch() * per];
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
                double[] stepTimes = new double[settings.steps()];
                double[] augmentTimes = new double[settings.steps()];
                double[] networkTimes = new double[settings.steps()];
                int timed = 0;
                for (int i = 0; i < settings.warmup() + settings.steps() && !stop.isRequested(); i++) {
                    long t0 = System.nanoTime();
                    views.twoViews(images, settings.batch());
                    long t1 = System.nanoTime();
                    trainer.step(images, settings.batch());
                    long t2 = System.nanoTime();
                    if (i >= settings.warmup()) {
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
                double median = BenchStepCommand.median(Arrays.copyOf(stepTimes, timed));
                double augment = BenchStepCommand.median(Arrays.copyOf(augmentTimes, timed));
                double network = BenchStepCommand.median(Arrays.copyOf(networkTimes, timed));
                System.err.printf(Locale.ROOT, "DJL: training step median %.4f s (%.1f images/s); two-view "
                        + "augmentation %.4f s; network step ~%.4f s (%.1f images/s)%n", median, settings.batch() / median,
                        augment, network, settings.batch() / network);
                node.put("engine", "djl-pytorch " + Engine.getInstance().getVersion());
                node.put("train_step_includes", URL_SOM_DJL_STEP);
                node.put("train_step_median_s", median);
                node.put("train_step_min_s", Arrays.stream(stepTimes, 0, timed).min().orElse(median));
                node.put("train_images_per_second", settings.batch() / median);
                node.put("augment_median_s", augment);
                node.put("augment_images_per_second", settings.batch() / augment);
                node.put("network_step_includes", URL_SOM_DJL_NETWORK);
                node.put("network_step_median_s", network);
                node.put("network_images_per_second", settings.batch() / network);
                if (settings.rssSteps() > 0 && !stop.isRequested()) {
                    node.set("rss_mb", BenchStepCommand.rssCurve(settings.rssSteps(), () -> trainer.step(images, settings.batch()), stop));
                }
            }
            if (stop.isRequested()) {
                return node;
            }
            float[] inferImages = new float[settings.inferBatch() * per];
            for (int i = 0; i < inferImages.length; i++) {
                inferImages[i] = random.nextFloat();
            }
            model.assign(inferImages, settings.inferBatch());
            double[] inferTimes = new double[settings.inferBatches()];
            int batches = 0;
            for (; batches < settings.inferBatches() && !stop.isRequested(); batches++) {
                long t0 = System.nanoTime();
                model.assign(inferImages, settings.inferBatch());
                inferTimes[batches] = (System.nanoTime() - t0) / 1e9;
            }
            node.put("infer_batches_timed", batches);
            if (batches == 0) {
                return node;
            }
            double inferMedian = BenchStepCommand.median(Arrays.copyOf(inferTimes, batches));
            node.put("infer_includes", "MapModel.assign: inference-mode forward, softmax, BMU, 1 - max p, second unit");
            node.put("infer_batch_median_s", inferMedian);
            node.put("infer_images_per_second", settings.inferBatch() / inferMedian);
            node.put("threads", Runtime.getRuntime().availableProcessors());
            node.put("peak_rss_mb", ProcessStats.peakRssMb());
            System.err.printf(Locale.ROOT, "DJL: inference %.0f images/s%n", settings.inferBatch() / inferMedian);
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
