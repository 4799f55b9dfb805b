package io.vitsom.app;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vitsom.app.ColdStartReport.Sample;
import io.vitsom.bench.ProcessStats;
import io.vitsom.ingest.DatasetLocator;
import io.vitsom.ingest.ReplayConfig;
import io.vitsom.learner.LearnerCliOptions;
import io.vitsom.learner.LearnerOptions;
import io.vitsom.model.checkpoint.CodeVersion;
import io.vitsom.model.map.MapModels;
import io.vitsom.model.map.MapModelConfig;
import io.vitsom.model.io.FileTree;
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
 * the pipeline's registry, until {@code --for} has passed, then writes a {@link ColdStartReport}: the time to a window
 * purity of 0.85 and 0.90 and the images trained by then, the curve and the settings.
 */
@Command(name = "bench-coldstart", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Measure how fast a fresh map organises under the defaults of `vitsom run`: window purity "
                + "over time, time to 0.85 and 0.90.",
            "Learner options (--rehearsal, --horizon-images, ...) are those of run; the machine should be otherwise "
                + "idle."})
public final class BenchColdStartCommand implements Callable<Integer> {

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
                                + "%.0f rehearsed | version %.0f | T %.3f%n", s.seconds(), s.purity(), s.windowImages(),
                        s.fresh(), s.rehearsed(), s.version(), s.temperature());
                if (pipeline.learner().failure().isPresent()) {
                    throw new IllegalStateException("the learner failed: " + pipeline.learner().failure().get());
                }
            }
        }
        write(samples, dataset, options, model);
        return 0;
    }

    private static double gauge(PrometheusMeterRegistry registry, String name) {
        Gauge g = registry.find(name).gauge();
        return g == null ? Double.NaN : g.value();
    }

    private static double counter(PrometheusMeterRegistry registry, String name) {
        Counter c = registry.find(name).counter();
        return c == null ? 0 : c.count();
    }

    private void write(List<Sample> samples, Path dataset, LearnerOptions options, MapModelConfig model)
            throws IOException {
        ColdStartReport report = new ColdStartReport(samples, new ColdStartReport.Header(dataset.toString(),
                config.toString(), rate, options.horizonImages(), options.adaptation(), model.batchSize(),
                ProcessStats.machine(), CodeVersion.describe(), Instant.now().toString()));
        report.write(out);
        System.out.print(report.markdown());
        System.out.println("bench-coldstart: wrote " + out.resolve("coldstart.json") + ", coldstart.md, coldstart.png");
    }
}
