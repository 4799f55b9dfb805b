package io.vitsom.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vitsom.bench.ProcessStats;
import io.vitsom.ingest.DatasetLocator;
import io.vitsom.ingest.ReplayConfig;
import io.vitsom.learner.LearnerCliOptions;
import io.vitsom.learner.LearnerOptions;
import io.vitsom.model.checkpoint.CodeVersion;
import io.vitsom.model.map.MapModels;
import io.vitsom.model.map.MapModelConfig;
import io.vitsom.model.io.FileTree;
import io.vitsom.model.render.LineChart;
import io.vitsom.stream.Durations;
import io.vitsom.stream.Topics;
import io.vitsom.stream.ValidationConfig;
import io.vitsom.stream.KafkaClientProperties;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code vitsom bench-coldstart}: how fast a fresh map organises with the defaults of {@code vitsom run}. Starts the
 * whole pipeline as {@code run} does (embedded broker, validation, learner, serving, dashboard, a replay at 100
 * images/s looping over the training split) in a fresh work folder, and every few seconds reads serving's window
 * purity (the last 2,000 images it assigned, each unit labelled by its majority) and the learner's counters from
 * the pipeline's registry, until {@code --for} has passed. Writes the time to a window purity of 0.85 and 0.90,
 * the curve and the settings to {@code coldstart.json}, {@code coldstart.md} and {@code coldstart.png}.
 */
@Command(name = "bench-coldstart", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Measure how fast a fresh map organises under the defaults of `vitsom run`: window purity "
                + "over time, time to 0.85 and 0.90.",
            "Learner options (--rehearsal, --horizon-images, ...) are those of run; the machine should be otherwise "
                + "idle."})
public final class BenchColdStartCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final double[] GOALS = {0.85, 0.90};

    @Option(names = "--data", description = "dataset to replay (default: found as `run` finds it)")
    Path data;

    @Option(names = "--config", defaultValue = "configs/vit_som_mnist.yaml",
            description = "model config (default: ${DEFAULT-VALUE})")
    Path config;

    @Option(names = "--for", defaultValue = "6m", description = "how long to run (default: ${DEFAULT-VALUE})")
    String runFor;

    @Option(names = "--rate", defaultValue = "100",
            description = "replay rate in images/s, as run's default (default: ${DEFAULT-VALUE})")
    double rate;

    @Option(names = "--sample-every", defaultValue = "5s",
            description = "how often the metrics are read (default: ${DEFAULT-VALUE})")
    String sampleEvery;

    @Option(names = "--out", defaultValue = "runs/bench-coldstart",
            description = "results folder; its work/ subfolder is replaced (default: ${DEFAULT-VALUE})")
    Path out;

    @Mixin
    LearnerCliOptions learner = new LearnerCliOptions();

    @Override
    public Integer call() throws Exception {
        MapModelConfig model = MapModels.load(config);
        Duration duration = Durations.parse(runFor);
        Duration every = Durations.parse(sampleEvery);
        Path dataset = DatasetLocator.standard().locate(Optional.ofNullable(data));
        LearnerOptions options = learner.toOptions();
        Files.createDirectories(out);
        Path work = out.resolve("work");
        FileTree.deleteRecursively(work);
        ReplayConfig replay = ReplayConfig.defaults().withRate(rate).withLoop(true);
        // Ports 0: a benchmark must not collide with a `vitsom run` the user has open.
        Pipeline.Settings settings = new Pipeline.Settings(model, Topics.defaults(), Optional.of(dataset), replay,
                Optional.empty(), work, 0, 0, 0, 0, 0, 0, options, KafkaClientProperties.none(),
                ValidationConfig.strict(model));
        System.out.printf("bench-coldstart: %s for %d s, replay %.0f images/s, horizon %d images, rehearsal %s%n",
                dataset, duration.toSeconds(), rate, options.horizonImages(),
                options.adaptation().rehearsal().enabled() ? "on" : "off");
        List<Sample> samples = new ArrayList<>();
        long start = System.nanoTime();
        try (Pipeline pipeline = Pipeline.start(settings)) {
            PrometheusMeterRegistry registry = pipeline.registry();
            long next = start;
            while (System.nanoTime() - start < duration.toNanos()) {
                next += every.toNanos();
                Thread.sleep(Math.max(0, (next - System.nanoTime()) / 1_000_000));
                Sample s = new Sample((System.nanoTime() - start) / 1e9, gauge(registry, "vitsom_som_purity"),
                        gauge(registry, "vitsom_som_window_images"), counter(registry, "vitsom_learner_fresh_images"),
                        counter(registry, "vitsom_learner_rehearsed_images"),
                        gauge(registry, "vitsom_learner_model_version"), gauge(registry, "vitsom_learner_temperature"));
                samples.add(s);
                System.out.printf(Locale.ROOT, "%5.0f s | window purity %.3f (%.0f images) | trained %.0f fresh + "
                                + "%.0f rehearsed | version %.0f | T %.3f%n", s.seconds, s.purity, s.windowImages,
                        s.fresh, s.rehearsed, s.version, s.temperature);
                if (pipeline.learner().failure().isPresent()) {
                    throw new IllegalStateException("the learner failed: " + pipeline.learner().failure().get());
                }
            }
        }
        write(samples, dataset, options, model);
        return 0;
    }

    private record Sample(double seconds, double purity, double windowImages, double fresh, double rehearsed,
                          double version, double temperature) {
    }

    private static double gauge(PrometheusMeterRegistry registry, String name) {
        Gauge g = registry.find(name).gauge();
        return g == null ? Double.NaN : g.value();
    }

    private static double counter(PrometheusMeterRegistry registry, String name) {
        Counter c = registry.find(name).counter();
        return c == null ? 0 : c.count();
    }

    /** First time the window purity reached {@code goal} over a full window, or null. */
    private static Double timeTo(List<Sample> samples, double goal) {
        for (Sample s : samples) {
            if (s.purity >= goal && s.windowImages >= 2_000) {
                return s.seconds;
            }
        }
        return null;
    }

    private void write(List<Sample> samples, Path dataset, LearnerOptions options, MapModelConfig model)
            throws IOException {
        ObjectNode r = JSON.createObjectNode();
        r.put("data", dataset.toString());
        r.put("config", config.toString());
        r.put("seconds", samples.isEmpty() ? 0 : samples.get(samples.size() - 1).seconds);
        r.put("replay_images_per_second", rate);
        r.put("horizon_images", options.horizonImages());
        r.set("adaptation", JSON.valueToTree(options.adaptation()));
        r.put("batch_size", model.batchSize());
        r.put("machine", ProcessStats.machine());
        r.put("code_version", CodeVersion.describe());
        r.put("created", Instant.now().toString());
        StringBuilder md = new StringBuilder("# Cold start: window purity of a fresh map under `vitsom run`\n\n");
        md.append(String.format(Locale.ROOT, "Data %s, replay %.0f images/s, horizon %d images, rehearsal %s, "
                        + "machine: %s, code %s.%n%n| goal | seconds |%n| --- | ---: |%n", dataset, rate,
                options.horizonImages(), options.adaptation().rehearsal().enabled() ? "on" : "off",
                ProcessStats.machine(), CodeVersion.describe()));
        for (double goal : GOALS) {
            Double t = timeTo(samples, goal);
            String key = String.format(Locale.ROOT, "seconds_to_purity_%.2f", goal).replace('.', '_');
            if (t == null) {
                r.putNull(key);
            } else {
                r.put(key, t);
            }
            md.append(String.format(Locale.ROOT, "| %.2f | %s |%n", goal, t == null ? "not reached" : "%.0f".formatted(t)));
        }
        ArrayNode series = r.putArray("samples");
        double[] x = new double[samples.size()];
        double[] purity = new double[samples.size()];
        double[] freshRate = new double[samples.size()];
        double[] rehearsedRate = new double[samples.size()];
        for (int i = 0; i < samples.size(); i++) {
            Sample s = samples.get(i);
            ObjectNode n = series.addObject();
            n.put("seconds", s.seconds);
            n.put("window_purity", s.purity);
            n.put("window_images", s.windowImages);
            n.put("fresh_images", s.fresh);
            n.put("rehearsed_images", s.rehearsed);
            n.put("model_version", s.version);
            n.put("temperature", s.temperature);
            x[i] = s.seconds;
            purity[i] = s.windowImages >= 2_000 ? s.purity : Double.NaN;
            Sample p = i == 0 ? new Sample(0, 0, 0, 0, 0, 0, 0) : samples.get(i - 1);
            double dt = Math.max(1e-9, s.seconds - p.seconds);
            freshRate[i] = (s.fresh - p.fresh) / dt;
            rehearsedRate[i] = (s.rehearsed - p.rehearsed) / dt;
        }
        JSON.writeValue(out.resolve("coldstart.json").toFile(), r);
        Files.writeString(out.resolve("coldstart.md"), md);
        LineChart.Builder chart = LineChart.builder()
                .title("Cold start under vitsom run defaults")
                .panel(LineChart.Panel.of("window purity (serving, last 2,000 images)", "purity").withYRange(0, 1)
                        .with("window purity", x, purity))
                .panel(LineChart.Panel.of("training throughput", "images/s")
                        .with("fresh", x, freshRate).with("rehearsed", x, rehearsedRate))
                .xLabel("seconds since start");
        for (double goal : GOALS) {
            Double t = timeTo(samples, goal);
            if (t != null) {
                chart.marker(t, String.format(Locale.ROOT, "purity %.2f", goal), java.awt.Color.RED, true);
            }
        }
        chart.build().writePng(out.resolve("coldstart.png"));
        System.out.println("bench-coldstart: wrote " + out.resolve("coldstart.json") + ", coldstart.md, coldstart.png");
    }
}
