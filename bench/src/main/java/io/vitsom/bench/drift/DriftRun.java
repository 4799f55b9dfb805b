package io.vitsom.bench.drift;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import io.vitsom.model.adapt.AdaptationConfig;
import io.vitsom.model.adapt.ContinualTrainer;
import io.vitsom.model.checkpoint.CodeVersion;
import io.vitsom.model.map.MapModel;
import io.vitsom.model.map.MapModelConfig;
import io.vitsom.model.map.MapModels;
import io.vitsom.model.map.MapTrainer;
import io.vitsom.model.data.ImageSet;
import io.vitsom.model.drift.DriftEvent;
import io.vitsom.model.drift.MapSignalMonitor.Series;
import io.vitsom.model.metrics.ClusteringMetrics;
import io.vitsom.model.train.StopSignal;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * Streams a drift scenario through a fresh {@link ContinualTrainer} (the streaming learner's own continual
 * training) and evaluates the live map every {@code --eval-every} fresh images, right before the switch and at the
 * end. A {@link StopSignal} ends it at a step boundary; what was measured by then is the report.
 */
final class DriftRun {
    /** Images per inference pass of an evaluation. */
    private static final int EVAL_BATCH = 256;

    private final DriftSettings settings;
    private final MapModelConfig config;
    private final PrintStream log;
    private final StopSignal stop;

    DriftRun(DriftSettings settings, MapModelConfig config, PrintStream log, StopSignal stop) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.config = Objects.requireNonNull(config, "config");
        this.log = Objects.requireNonNull(log, "log");
        this.stop = Objects.requireNonNull(stop, "stop");
    }

    /** The adaptation settings of the run: the learner's defaults with the options' switches and plasticity. */
    private AdaptationConfig adaptation() {
        AdaptationConfig d = AdaptationConfig.defaults();
        return d.with(d.rehearsal().withEnabled(settings.rehearsal()))
                .with(settings.plasticity())
                .with(d.quarantine().withEnabled(settings.quarantine()));
    }

    /** Runs the scenario; every native resource is closed when this returns. */
    DriftReport run(DriftScenario scenario) {
        long start = System.nanoTime();
        Engine.getInstance().setRandomSeed((int) settings.seed());
        try (NDManager manager = NDManager.newBaseManager()) {
            MapModel model = MapModels.create(config, manager);
            try (ContinualTrainer trainer = new ContinualTrainer(model, manager, adaptation(),
                    settings.horizonImages(), settings.seed())) {
                return stream(scenario, trainer, manager, start);
            }
        }
    }

    private DriftReport stream(DriftScenario scenario, ContinualTrainer trainer, NDManager manager, long start) {
        int batch = config.batchSize();
        int perStep = settings.freshPerStep(batch);
        // Each phase has its own seeded order, so the images after the switch do not depend on how many came before.
        ShuffledFeed before = new ShuffledFeed(scenario.before(), settings.seed());
        // A stationary stream has no after: its whole stream is before the switch (switchAt == images).
        ShuffledFeed after = scenario.after() == null ? null : new ShuffledFeed(scenario.after(), settings.seed() + 1);
        byte[] pixels = new byte[perStep * scenario.before().imageSize()];
        List<DriftReport.Point> points = new ArrayList<>();
        List<DriftReport.Detection> detections = new ArrayList<>();
        Interval interval = new Interval();
        Arming arming = new Arming();
        long fed = 0;
        double trainSeconds = 0;
        String stream = settings.kind().switches()
                ? String.format(Locale.ROOT, "%,d of %s, then %,d of %s", settings.switchAt(), scenario.oldGroup(),
                        settings.images() - settings.switchAt(), scenario.newGroup())
                : scenario.oldGroup() + ", no switch";
        log.printf(Locale.ROOT, "bench-drift: %s, %,d fresh images (%s), batch %d with %d fresh per step, "
                        + "plasticity %s, rehearsal %s, quarantine %s, seed %d%n",
                settings.kind().key(), settings.images(), stream, batch, perStep,
                DriftSettings.onOff(settings.plasticity().enabled()), DriftSettings.onOff(settings.rehearsal()),
                DriftSettings.onOff(settings.quarantine()), settings.seed());
        while (fed < settings.images() && !stop.isRequested()) {
            long boundary = nextBoundary(fed);
            // A step never straddles an evaluation or the switch: each is measured exactly where it is planned.
            int count = (int) Math.min(perStep, boundary - fed);
            (fed < settings.switchAt() ? before : after).next(count, pixels);
            long monitorBefore = trainer.monitor().images();
            long armedBefore = trainer.monitor().armedImages();
            long t0 = System.nanoTime();
            ContinualTrainer.Outcome outcome = trainer.train(pixels, count);
            trainSeconds += (System.nanoTime() - t0) / 1e9;
            for (DriftEvent e : outcome.events()) {
                detections.add(new DriftReport.Detection(streamPosition(fed, e, monitorBefore, outcome.trained()),
                        e.series(), e.detector(), e.magnitude()));
            }
            arming.step(fed, trainer.monitor().armedImages() - armedBefore, outcome.trained());
            fed += count;
            if (fed == boundary) {
                DriftReport.Point p = evaluate(scenario, trainer, manager, fed, interval, start);
                points.add(p);
                progress(p, detections.size(), trainer.monitor().armed(), trainSeconds);
            }
        }
        double wall = (System.nanoTime() - start) / 1e9;
        String stopped = fed < settings.images() ? stop.reason() : null;
        return new DriftReport(settings, scenario.oldGroup(), scenario.newGroup(), batch, points, detections,
                arming.armedAt, arming.beforeSwitch, fed, stopped, wall, trainSeconds, Machine.current(),
                CodeVersion.describe());
    }

    /** The next place a step must end: an evaluation, the switch or the end of the stream. */
    private long nextBoundary(long fed) {
        long next = Math.min((fed / settings.evalEvery() + 1) * settings.evalEvery(), settings.images());
        return fed < settings.switchAt() ? Math.min(next, settings.switchAt()) : next;
    }

    /**
     * The stream position of the image a detection fired on. The monitor counts trained images only; with
     * quarantine some fresh images are not trained, so its count maps back through the step's trained positions.
     */
    private static long streamPosition(long fedBefore, DriftEvent e, long monitorBefore, int[] trained) {
        int k = (int) Math.max(0, Math.min(trained.length - 1, e.detectedAtImages() - monitorBefore - 1));
        return fedBefore + trained[k] + 1;
    }

    /**
     * When the detectors armed and how long they watched before the switch, in stream positions. Within a step the
     * monitor's arming point does not move (the trainer moves it before or after observing), so the armed images of
     * a step are its last trained ones.
     */
    private final class Arming {
        /** Fresh images streamed before the first one the armed detectors watched; empty before that. */
        OptionalLong armedAt = OptionalLong.empty();
        /** Fresh images watched by armed detectors among those streamed before the switch. */
        long beforeSwitch;

        void step(long fedBefore, long armed, int[] trained) {
            if (armed <= 0) {
                return;
            }
            if (armedAt.isEmpty()) {
                armedAt = OptionalLong.of(fedBefore + trained[(int) (trained.length - armed)]);
            }
            // Steps never straddle the switch: a step is before it or not.
            if (fedBefore < settings.switchAt()) {
                beforeSwitch += armed;
            }
        }
    }

    /** Counters at the previous evaluation, for the share of rehearsed images since then. */
    private static final class Interval {
        long fresh;
        long rehearsed;
    }

    private DriftReport.Point evaluate(DriftScenario scenario, ContinualTrainer trainer, NDManager manager, long fed,
                                       Interval interval, long start) {
        MapModel live = trainer.live().map();
        double purityOld = ClusteringMetrics.purity(live.bmus(scenario.oldTest(), EVAL_BATCH), scenario.oldTest().labels());
        double purityNew = scenario.newTest() == null ? Double.NaN
                : ClusteringMetrics.purity(live.bmus(scenario.newTest(), EVAL_BATCH), scenario.newTest().labels());
        long fresh = trainer.freshImages() - interval.fresh;
        long rehearsed = trainer.rehearsedImages() - interval.rehearsed;
        interval.fresh = trainer.freshImages();
        interval.rehearsed = trainer.rehearsedImages();
        MapTrainer step = trainer.live();
        return new DriftReport.Point(fed, purityOld, purityNew,
                trainer.monitor().latest(Series.QUANTIZATION_ERROR),
                trainer.monitor().latest(Series.TOPOGRAPHIC_ERROR),
                trainer.monitor().latest(Series.HIT_MAP_DIVERGENCE),
                step.schedule().temperature(step.stepCount()), step.schedule().learningRate(step.stepCount()),
                trainer.plasticityLevel(),
                fresh + rehearsed == 0 ? Double.NaN : rehearsed / (double) (fresh + rehearsed),
                (System.nanoTime() - start) / 1e9);
    }


    private void progress(DriftReport.Point p, int detections, boolean armed, double trainSeconds) {
        double rate = trainSeconds > 0 ? p.images() / trainSeconds : Double.NaN;
        // The ETA includes the evaluations still to come: wall time per image so far, not training speed.
        double eta = p.wallSeconds() / p.images() * (settings.images() - p.images());
        String purity = settings.kind().switches()
                ? String.format(Locale.ROOT, "(%s) purity old %.3f new %.3f",
                        p.images() <= settings.switchAt() ? "before switch" : "after switch", p.purityOld(),
                        p.purityNew())
                : String.format(Locale.ROOT, "(stationary) purity %.3f", p.purityOld());
        log.printf(Locale.ROOT, "images %,d/%,d %s QE %.4g T %.3g plasticity %.2f detections %d, armed %s | %.0f "
                        + "img/s, eta %s%n",
                p.images(), settings.images(), purity, p.quantizationError(), p.temperature(), p.plasticity(),
                detections, armed ? "yes" : "no", rate, eta(eta));
        log.flush();
    }

    private static String eta(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%dh%02dm", s / 3600, s % 3600 / 60)
                : String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
    }
}
