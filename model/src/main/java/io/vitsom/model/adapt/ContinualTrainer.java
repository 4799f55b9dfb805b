package io.vitsom.model.adapt;

import ai.djl.ndarray.NDManager;
import io.vitsom.model.checkpoint.Checkpoint;
import io.vitsom.model.drift.DriftEvent;
import io.vitsom.model.drift.MapSignalMonitor;
import io.vitsom.model.map.MapModel;
import io.vitsom.model.map.MapModelConfig;
import io.vitsom.model.map.MapTrainer;
import io.vitsom.model.map.PrototypeReseeding;
import io.vitsom.model.infer.Assignments;
import io.vitsom.model.som.SomGrid;
import io.vitsom.model.train.StepResult;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A map model (any {@link MapModel}) that keeps learning on a feed that changes: one call per batch of fresh images runs the quarantine,
 * fills the batch from the rehearsal reservoir, takes the training step (and the shadow map's), watches the map's
 * signals for drift, answers a drift with plasticity, and re-seeds dead units. The streaming learner and
 * {@code bench-drift} both train through this class, so what the benchmark measures is what the service does.
 *
 * <p>Its state beyond the model and optimizer (reservoir, plasticity, novelty gate, counters, shadow map) goes
 * into the model's checkpoint through {@link #checkpointExtra()} and comes back with {@link #restore}; the
 * {@link ContinualState} holds it and its layout, the {@link ShadowMap} the candidate. Not thread-safe: one caller,
 * the training thread.
 */
public final class ContinualTrainer implements AutoCloseable {
    /** Folder of a checkpoint holding this class's state. */
    public static final String STATE_DIR = "adapt";
    /** Folder of a checkpoint holding the shadow map. */
    public static final String SHADOW_DIR = "shadow";

    private final AdaptationConfig config;
    private final MapModelConfig model;
    private final long horizonImages;
    /** Steps of the organisation horizon, the same for the live and the shadow map. */
    private final long horizonSteps;
    private final int imageBytes;
    private final ContinualState state;
    private final ShadowMap shadow;
    private final MapSignalMonitor monitor;
    private final UnitUpkeep upkeep;
    private ShadowMap.Contender live;
    private boolean promotedSincePublished;
    /** The organisation horizon is over; the detectors are armed from then on. */
    private boolean organised;
    private float[] lastBatch;
    private int lastBatchSize;

    /**
     * What one call did.
     *
     * @param step the live map's step, or null when every fresh image was quarantined
     * @param trained positions, among the fresh images, of those trained: {@code step.bmus()[k]} belongs to fresh
     *     image {@code trained[k]}
     * @param novel fresh images kept out of training
     * @param rehearsed reservoir images in the batch, after the trained fresh ones
     * @param events changes detected on this batch
     * @param reseeded units re-seeded after this batch
     * @param shadowAction {@code "promoted"} or {@code "started"} when a rule did so on this batch, else null
     */
    public record Outcome(StepResult step, int[] trained, List<Novel> novel, int rehearsed, List<DriftEvent> events,
                          int reseeded, String shadowAction) {
    }

    /**
     * A fresh image the gate kept out of training.
     *
     * @param index position among the fresh images of the call
     * @param distance its BMU distance
     * @param threshold the gate's threshold at the time
     */
    public record Novel(int index, double distance, double threshold) {
    }

    /**
     * @param model an initialised live model, built on {@code manager}
     * @param config the adaptation settings (upkeep needs a model with prototypes, {@link PrototypeReseeding})
     * @param horizonImages the organisation horizon of the schedules
     * @param seed seeds the reservoir and a fresh shadow map
     */
    public ContinualTrainer(MapModel model, NDManager manager, AdaptationConfig config, long horizonImages, long seed) {
        this.config = Objects.requireNonNull(config, "config");
        this.model = model.config();
        Objects.requireNonNull(manager, "manager");
        this.horizonImages = horizonImages;
        this.horizonSteps = model.streamingSchedule(horizonImages).horizonSteps();
        this.imageBytes = this.model.imageFloats();
        if (config.upkeep().enabled() && !(model instanceof PrototypeReseeding)) {
            throw new IllegalArgumentException("upkeep re-seeds prototypes, which a " + this.model.modelArch()
                    + " model does not have; run it with --upkeep off");
        }
        this.live = contender(model);
        this.state = new ContinualState(config, imageBytes, seed);
        this.shadow = new ShadowMap(this.model, manager, config.shadow(), seed, this::contender);
        SomGrid grid = model.grid();
        this.monitor = new MapSignalMonitor(config.detection(), grid);
        this.upkeep = new UnitUpkeep(grid.units(), config.upkeep().windowImages(), config.upkeep().candidates(),
                imageBytes);
        if (config.shadow().atStart()) {
            startShadow();
        }
        // The map's own organisation is a change too: the detectors wait until the temperature has settled.
        monitor.quietUntil(Long.MAX_VALUE);
    }

    private ShadowMap.Contender contender(MapModel m) {
        PlasticityController controller = new PlasticityController(config.plasticity());
        // One pseudo-epoch per step: a fresh map's encoder learns at full rate within seconds (StreamingSchedule).
        MapTrainer trainer = m.newTrainer(
                new AdaptiveSchedule(m.streamingSchedule(horizonImages), config.maintenance(), controller));
        return new ShadowMap.Contender(trainer, controller, new ShadowMap.Quality());
    }

    /**
     * Trains on {@code count} fresh images ({@code pixels}: {@code count * C * H * W} unsigned bytes, CHW).
     * The caller forms batches of at most the config's batch size; rehearsal fills them up to it.
     */
    public Outcome train(byte[] pixels, int count) {
        return train(pixels, count, null);
    }

    /**
     * {@link #train(byte[], int)} where {@code exempt[i]} images skip the quarantine (released by a person after
     * an earlier quarantine); {@code exempt} may be null.
     */
    public Outcome train(byte[] pixels, int count, boolean[] exempt) {
        if (count <= 0 || count > model.batchSize() || pixels.length < count * imageBytes) {
            throw new IllegalArgumentException("expected 1.." + model.batchSize() + " images of " + imageBytes
                    + " bytes, got " + count + " (" + pixels.length + " bytes)");
        }
        float[] fresh = toFloats(pixels, count);
        List<Novel> novel = new ArrayList<>();
        int[] trained = quarantine(fresh, count, exempt, novel);
        state.quarantined(novel.size());
        if (trained.length == 0) {
            return new Outcome(null, trained, novel, 0, List.of(), 0, null);
        }
        int n = trained.length;
        RehearsalReservoir reservoir = state.reservoir();
        int rehearsed = config.rehearsal().fill(n, model.batchSize(), reservoir.size());
        float[] batch = new float[(n + rehearsed) * imageBytes];
        for (int k = 0; k < n; k++) {
            System.arraycopy(fresh, trained[k] * imageBytes, batch, k * imageBytes, imageBytes);
        }
        if (rehearsed > 0) {
            reservoir.sample(rehearsed, batch, n * imageBytes, null, 0);
        }
        advanceClocks();
        StepResult step = live.trainer().step(batch, n + rehearsed);
        state.trained(n, rehearsed);
        if (config.rehearsal().enabled()) {
            for (int k : trained) {
                reservoir.offer(pixels, k * imageBytes, null);
            }
        }
        live.quality().add(step.bmus(), step.secondBmus(), step.bmuDistances(), n, grid());
        String shadowAction = null;
        if (shadow.running()) {
            shadow.step(batch, n + rehearsed, n, grid());
            if (config.shadow().autoPromote() && promotable()) {
                promote();
                shadowAction = "promoted";
            }
        }
        if (!organised && organised()) {
            organised = true;
            monitor.armFrom(monitor.images());
        }
        List<DriftEvent> events = monitor.observe(step.bmus(), step.secondBmus(), step.bmuDistances(), n);
        if (!events.isEmpty()) {
            answer(events);
            if (!shadow.running() && config.shadow().onDrift()) {
                startShadow();
                shadowAction = "started";
            }
        }
        int reseeded = upkeep(step, batch, n);
        lastBatch = batch;
        lastBatchSize = n + rehearsed;
        return new Outcome(step, trained, novel, rehearsed, events, reseeded, shadowAction);
    }

    /**
     * Whether the organisation horizon is over: temperature and learning rate have settled at their floors. Not
     * before: while the learning rate is still high the encoder keeps moving the latents, and the map's signals
     * drift on a stationary feed (on MNIST the quantization error rose by a fifth after the temperature's floor).
     */
    private boolean organised() {
        return live.trainer().stepCount() >= horizonSteps;
    }

    /** Plasticity anneals over fresh images, the unit the detectors and the drift benchmark count in. */
    private void advanceClocks() {
        live.plasticity().advanceTo(state.freshImages());
        shadow.advanceTo(state.freshImages());
    }

    private int[] quarantine(float[] fresh, int count, boolean[] exempt, List<Novel> novel) {
        int[] all = new int[count];
        for (int i = 0; i < count; i++) {
            all[i] = i;
        }
        if (!config.quarantine().enabled()) {
            return all;
        }
        // An inference pass before the step: the decision must come before the image can move the map.
        Assignments a = live.trainer().map().assign(fresh, count);
        NoveltyGate gate = state.gate();
        List<Integer> kept = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            double d = a.distance()[i];
            if (exempt != null && exempt[i]) {
                kept.add(i);
            } else if (gate.isNovel(d)) {
                novel.add(new Novel(i, d, gate.threshold()));
            } else {
                gate.observe(d);
                kept.add(i);
            }
        }
        return kept.stream().mapToInt(Integer::intValue).toArray();
    }

    private void answer(List<DriftEvent> events) {
        state.detected(events.size());
        advanceClocks();
        live.plasticity().boost();
        // While the re-heated map follows the new feed its signals move by design; the detectors wait it out.
        long quiet = config.plasticity().enabled()
                ? config.plasticity().annealImages() : config.detection().calibrationImages();
        monitor.quietUntil(monitor.images() + quiet);
    }

    private int upkeep(StepResult step, float[] batch, int n) {
        if (!config.upkeep().enabled()) {
            return 0;
        }
        upkeep.record(step.bmus(), step.bmuDistances(), batch, n);
        if (!upkeep.windowComplete()) {
            return 0;
        }
        int[] dead = upkeep.deadUnits();
        List<float[]> seeds = upkeep.highErrorImages();
        int count = Math.min(dead.length, seeds.size());
        if (count > 0) {
            float[] images = new float[count * imageBytes];
            for (int k = 0; k < count; k++) {
                System.arraycopy(seeds.get(k), 0, images, k * imageBytes, imageBytes);
            }
            ((PrototypeReseeding) live.trainer().map()).reseed(java.util.Arrays.copyOf(dead, count), images);
            state.reseeded(count);
        }
        upkeep.nextWindow();
        return count;
    }

    /** Takes the prototypes' mean movement since the previously published version into drift detection. */
    public List<DriftEvent> observePrototypeDrift(double meanDrift) {
        if (promotedSincePublished) {
            // The first version after a promotion moved by the whole difference between two maps: no drift of the feed.
            promotedSincePublished = false;
            return List.of();
        }
        List<DriftEvent> events = monitor.observePrototypeDrift(meanDrift);
        if (!events.isEmpty()) {
            answer(events);
        }
        return events;
    }

    /** Starts a fresh candidate map beside the live one (replacing a running one). */
    public void startShadow() {
        shadow.start();
    }

    /** Whether the promotion rule holds: the candidate trained long enough and is better by the margin. */
    public boolean promotable() {
        return shadow.promotable(live.quality());
    }

    /**
     * Swaps the candidate and the live map: the candidate serves from the next checkpoint, the former live map
     * keeps training as the candidate (so a promotion can be undone). The live map's plasticity goes with it.
     *
     * @throws IllegalStateException when no candidate trains
     */
    public void promote() {
        live = shadow.promote(live, state.freshImages());
        promotedSincePublished = true;
        // The signals now come from another map: calibrate the detectors on it before they may fire.
        monitor.quietUntil(monitor.images() + config.detection().calibrationImages());
    }

    /** The live map's trainer (model, optimizer, step). */
    public MapTrainer live() {
        return live.trainer();
    }

    /** The candidate map's trainer, when one trains. */
    public Optional<MapTrainer> shadow() {
        return shadow.trainer();
    }

    /** The batch of the last step (fresh then rehearsed, floats), or null before the first. */
    public float[] lastBatch() {
        return lastBatch;
    }

    /** Images in {@link #lastBatch()}. */
    public int lastBatchSize() {
        return lastBatchSize;
    }

    /** Fresh images trained. */
    public long freshImages() {
        return state.freshImages();
    }

    /** Reservoir images trained. */
    public long rehearsedImages() {
        return state.rehearsedImages();
    }

    /** Images quarantined. */
    public long novelImages() {
        return state.novelImages();
    }

    /** Units re-seeded. */
    public long reseededUnits() {
        return state.reseededUnits();
    }

    /** Drifts detected. */
    public long detections() {
        return state.detections();
    }

    /** Images in the reservoir. */
    public int reservoirSize() {
        return state.reservoir().size();
    }

    /** The plasticity answer's current level: 0 at rest, 1 right after a detection. */
    public double plasticityLevel() {
        return live.plasticity().level();
    }

    /** The signal monitor (window values, arming). */
    public MapSignalMonitor monitor() {
        return monitor;
    }

    /** The novelty gate's threshold now (NaN while it warms up or with quarantine off). */
    public double noveltyThreshold() {
        return config.quarantine().enabled() ? state.gate().threshold() : Double.NaN;
    }

    /** Window quantization error of the live map over recent fresh images (NaN before any). */
    public double liveQuantizationError() {
        return live.quality().qe();
    }

    /** Window topographic error of the live map. */
    public double liveTopographicError() {
        return live.quality().te();
    }

    /** Window quantization error of the candidate map (NaN without one). */
    public double shadowQuantizationError() {
        return shadow.quantizationError();
    }

    /** Window topographic error of the candidate map. */
    public double shadowTopographicError() {
        return shadow.topographicError();
    }

    /** The settings. */
    public AdaptationConfig config() {
        return config;
    }

    /** Writes this trainer's state into a checkpoint being built (the model itself is the checkpoint's). */
    public Checkpoint.Extra checkpointExtra() {
        return dir -> state.writeTo(dir, live.plasticity(), monitor, shadow);
    }

    /**
     * Restores the state {@link #checkpointExtra()} wrote into {@code checkpointDir} (already verified by
     * {@link Checkpoint#load}); a checkpoint without it (written before this class existed) leaves the state
     * fresh, which is the same as a learner that just started.
     */
    public void restore(Path checkpointDir) throws IOException {
        if (!state.restore(checkpointDir, live.plasticity(), monitor, shadow)) {
            return;
        }
        organised = organised();
        if (!organised) {
            monitor.quietUntil(Long.MAX_VALUE);
        }
    }

    private SomGrid grid() {
        return live.trainer().map().grid();
    }

    private float[] toFloats(byte[] pixels, int count) {
        float[] out = new float[count * imageBytes];
        for (int i = 0; i < out.length; i++) {
            out[i] = (pixels[i] & 0xFF) / 255f;
        }
        return out;
    }

    @Override
    public void close() {
        live.trainer().close();
        shadow.close();
    }
}
