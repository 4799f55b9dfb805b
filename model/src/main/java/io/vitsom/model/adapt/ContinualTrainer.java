package io.vitsom.model.adapt;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vitsom.model.checkpoint.Checkpoint;
import io.vitsom.model.drift.DriftEvent;
import io.vitsom.model.drift.MapSignalMonitor;
import io.vitsom.model.map.MapModel;
import io.vitsom.model.map.MapModelConfig;
import io.vitsom.model.map.MapModels;
import io.vitsom.model.map.MapTrainer;
import io.vitsom.model.map.PrototypeReseeding;
import io.vitsom.model.infer.Assignments;
import io.vitsom.model.som.SomGrid;
import io.vitsom.model.train.StepResult;
import java.io.IOException;
import java.nio.file.Files;
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
 * into the model's checkpoint through {@link #checkpointExtra()} and comes back with {@link #restore}. Not
 * thread-safe: one caller, the training thread.
 */
public final class ContinualTrainer implements AutoCloseable {
    /** Folder of a checkpoint holding this class's state. */
    public static final String STATE_DIR = "adapt";
    /** Folder of a checkpoint holding the shadow map. */
    public static final String SHADOW_DIR = "shadow";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    /** Fresh images over which the live and shadow maps' quality is averaged for the promotion rule. */
    private static final double QUALITY_WINDOW = 2_000;

    private final AdaptationConfig config;
    private final MapModelConfig model;
    private final NDManager manager;
    private final long seed;
    private final long horizonImages;
    /** Steps of the organisation horizon, the same for the live and the shadow map. */
    private final long horizonSteps;
    private final int imageBytes;
    private MapTrainer live;
    private PlasticityController plasticity;
    private MapTrainer shadow;
    private PlasticityController shadowPlasticity;
    private long shadowStarts;
    private boolean promotedSincePublished;
    /** The organisation horizon is over; the detectors are armed from then on. */
    private boolean organised;
    private RehearsalReservoir reservoir;
    private NoveltyGate gate;
    private final MapSignalMonitor monitor;
    private final UnitUpkeep upkeep;
    private final MapQuality liveQuality = new MapQuality();
    private final MapQuality shadowQuality = new MapQuality();
    private long freshImages;
    private long rehearsedImages;
    private long novelImages;
    private long reseededUnits;
    private long detections;
    private long shadowImages;
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
        this.manager = Objects.requireNonNull(manager, "manager");
        this.seed = seed;
        this.horizonImages = horizonImages;
        this.horizonSteps = model.streamingSchedule(horizonImages).horizonSteps();
        this.imageBytes = this.model.imageFloats();
        if (config.upkeep().enabled() && !(model instanceof PrototypeReseeding)) {
            throw new IllegalArgumentException("upkeep re-seeds prototypes, which a " + this.model.modelArch()
                    + " model does not have; run it with --upkeep off");
        }
        this.plasticity = new PlasticityController(config.plasticity());
        this.live = trainer(model, plasticity);
        AdaptationConfig.Rehearsal r = config.rehearsal();
        this.reservoir = new RehearsalReservoir(r.capacity(), r.maxBytes(), imageBytes, seed ^ 0x5eed5eedL);
        AdaptationConfig.Quarantine q = config.quarantine();
        this.gate = new NoveltyGate(q.quantile(), q.factor(), q.window(), q.warmupImages());
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

    private MapTrainer trainer(MapModel m, PlasticityController controller) {
        // One pseudo-epoch per step: a fresh map's encoder learns at full rate within seconds (StreamingSchedule).
        return m.newTrainer(new AdaptiveSchedule(m.streamingSchedule(horizonImages), config.maintenance(), controller));
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
        novelImages += novel.size();
        if (trained.length == 0) {
            return new Outcome(null, trained, novel, 0, List.of(), 0, null);
        }
        int n = trained.length;
        int rehearsed = config.rehearsal().fill(n, model.batchSize(), reservoir.size());
        float[] batch = new float[(n + rehearsed) * imageBytes];
        for (int k = 0; k < n; k++) {
            System.arraycopy(fresh, trained[k] * imageBytes, batch, k * imageBytes, imageBytes);
        }
        if (rehearsed > 0) {
            reservoir.sample(rehearsed, batch, n * imageBytes, null, 0);
        }
        advanceClocks();
        StepResult step = live.step(batch, n + rehearsed);
        freshImages += n;
        rehearsedImages += rehearsed;
        if (config.rehearsal().enabled()) {
            for (int k : trained) {
                byte[] one = new byte[imageBytes];
                System.arraycopy(pixels, k * imageBytes, one, 0, imageBytes);
                reservoir.offer(one, null);
            }
        }
        liveQuality.add(step.bmus(), step.secondBmus(), step.bmuDistances(), n, grid());
        String shadowAction = null;
        if (shadow != null) {
            StepResult s = shadow.step(batch, n + rehearsed);
            shadowImages += n;
            shadowQuality.add(s.bmus(), s.secondBmus(), s.bmuDistances(), n, grid());
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
            if (shadow == null && config.shadow().onDrift()) {
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
        return live.stepCount() >= horizonSteps;
    }

    /** Plasticity anneals over fresh images, the unit the detectors and the drift benchmark count in. */
    private void advanceClocks() {
        plasticity.advanceTo(freshImages);
        if (shadowPlasticity != null) {
            shadowPlasticity.advanceTo(freshImages);
        }
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
        Assignments a = live.map().assign(fresh, count);
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
        detections += events.size();
        advanceClocks();
        plasticity.boost();
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
            ((PrototypeReseeding) live.map()).reseed(java.util.Arrays.copyOf(dead, count), images);
            reseededUnits += count;
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
        if (shadow != null) {
            shadow.close();
        }
        Engine.getInstance().setRandomSeed((int) (seed + 1 + shadowStarts++));
        MapModel fresh = MapModels.create(model, manager);
        shadowPlasticity = new PlasticityController(config.plasticity());
        shadow = trainer(fresh, shadowPlasticity);
        shadowImages = 0;
        shadowQuality.reset();
    }

    /** Whether the promotion rule holds: the candidate trained long enough and is better by the margin. */
    public boolean promotable() {
        return shadow != null && shadowImages >= config.shadow().minImages() && shadowQuality.ready()
                && liveQuality.ready()
                && shadowQuality.qe() < liveQuality.qe() * (1 - config.shadow().margin());
    }

    /**
     * Swaps the candidate and the live map: the candidate serves from the next checkpoint, the former live map
     * keeps training as the candidate (so a promotion can be undone). The live map's plasticity goes with it.
     *
     * @throws IllegalStateException when no candidate trains
     */
    public void promote() {
        if (shadow == null) {
            throw new IllegalStateException("no shadow map is training; start one with the learner's --shadow option");
        }
        MapTrainer former = live;
        live = shadow;
        shadow = former;
        // Each trainer's schedule holds its own controller, so the controllers change places with them.
        PlasticityController formerPlasticity = plasticity;
        plasticity = shadowPlasticity;
        shadowPlasticity = formerPlasticity;
        MapQuality.swap(liveQuality, shadowQuality);
        shadowImages = freshImages;
        promotedSincePublished = true;
        // The signals now come from another map: calibrate the detectors on it before they may fire.
        monitor.quietUntil(monitor.images() + config.detection().calibrationImages());
    }

    /** The live map's trainer (model, optimizer, step). */
    public MapTrainer live() {
        return live;
    }

    /** The candidate map's trainer, when one trains. */
    public Optional<MapTrainer> shadow() {
        return Optional.ofNullable(shadow);
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
        return freshImages;
    }

    /** Reservoir images trained. */
    public long rehearsedImages() {
        return rehearsedImages;
    }

    /** Images quarantined. */
    public long novelImages() {
        return novelImages;
    }

    /** Units re-seeded. */
    public long reseededUnits() {
        return reseededUnits;
    }

    /** Drifts detected. */
    public long detections() {
        return detections;
    }

    /** Images in the reservoir. */
    public int reservoirSize() {
        return reservoir.size();
    }

    /** The plasticity answer's current level: 0 at rest, 1 right after a detection. */
    public double plasticityLevel() {
        return plasticity.level();
    }

    /** The signal monitor (window values, arming). */
    public MapSignalMonitor monitor() {
        return monitor;
    }

    /** The novelty gate's threshold now (NaN while it warms up or with quarantine off). */
    public double noveltyThreshold() {
        return config.quarantine().enabled() ? gate.threshold() : Double.NaN;
    }

    /** Window quantization error of the live map over recent fresh images (NaN before any). */
    public double liveQuantizationError() {
        return liveQuality.qe();
    }

    /** Window topographic error of the live map. */
    public double liveTopographicError() {
        return liveQuality.te();
    }

    /** Window quantization error of the candidate map (NaN without one). */
    public double shadowQuantizationError() {
        return shadow == null ? Double.NaN : shadowQuality.qe();
    }

    /** Window topographic error of the candidate map. */
    public double shadowTopographicError() {
        return shadow == null ? Double.NaN : shadowQuality.te();
    }

    /** The settings. */
    public AdaptationConfig config() {
        return config;
    }

    /** Writes this trainer's state into a checkpoint being built (the model itself is the checkpoint's). */
    public Checkpoint.Extra checkpointExtra() {
        return dir -> {
            Path state = dir.resolve(STATE_DIR);
            Files.createDirectories(state);
            ObjectNode n = JSON.createObjectNode();
            n.put("fresh_images", freshImages);
            n.put("rehearsed_images", rehearsedImages);
            n.put("novel_images", novelImages);
            n.put("reseeded_units", reseededUnits);
            n.put("detections", detections);
            n.put("monitor_images", monitor.images());
            n.put("shadow_images", shadowImages);
            n.set("plasticity", plasticity.toJson());
            n.set("novelty_gate", gate.toJson());
            JSON.writeValue(state.resolve("state.json").toFile(), n);
            if (reservoir.size() > 0) {
                reservoir.save(state.resolve("reservoir"));
            }
            if (shadow != null) {
                n.set("shadow_plasticity", shadowPlasticity.toJson());
                JSON.writeValue(state.resolve("state.json").toFile(), n);
                Checkpoint.writeContents(dir.resolve(SHADOW_DIR), shadow, seed, JSON.createObjectNode());
            }
        };
    }

    /**
     * Restores the state {@link #checkpointExtra()} wrote into {@code checkpointDir} (already verified by
     * {@link Checkpoint#load}); a checkpoint without it (written before this class existed) leaves the state
     * fresh, which is the same as a learner that just started.
     */
    public void restore(Path checkpointDir) throws IOException {
        Path state = checkpointDir.resolve(STATE_DIR);
        if (!Files.isRegularFile(state.resolve("state.json"))) {
            return;
        }
        JsonNode n = JSON.readTree(state.resolve("state.json").toFile());
        freshImages = n.path("fresh_images").asLong();
        rehearsedImages = n.path("rehearsed_images").asLong();
        novelImages = n.path("novel_images").asLong();
        reseededUnits = n.path("reseeded_units").asLong();
        detections = n.path("detections").asLong();
        shadowImages = n.path("shadow_images").asLong();
        plasticity.restore(n.path("plasticity"));
        if (n.has("novelty_gate")) {
            gate = NoveltyGate.fromJson(n.path("novelty_gate"));
        }
        long quietUntil = plasticity.boosting() ? n.path("monitor_images").asLong() + plasticity.imagesLeft() : 0;
        monitor.resumeAt(n.path("monitor_images").asLong(), quietUntil);
        organised = organised();
        if (!organised) {
            monitor.quietUntil(Long.MAX_VALUE);
        }
        if (Files.isDirectory(state.resolve("reservoir"))) {
            AdaptationConfig.Rehearsal r = config.rehearsal();
            reservoir = RehearsalReservoir.load(state.resolve("reservoir"), r.capacity(), r.maxBytes(), imageBytes);
        }
        Path shadowDir = checkpointDir.resolve(SHADOW_DIR);
        if (Files.isDirectory(shadowDir)) {
            Checkpoint.Loaded loaded = Checkpoint.loadContents(shadowDir, manager);
            if (shadow != null) {
                shadow.close();
            }
            shadowPlasticity = new PlasticityController(config.plasticity());
            shadowPlasticity.restore(n.path("shadow_plasticity"));
            shadow = trainer(loaded.model(), shadowPlasticity);
            loaded.restore(shadow);
        }
    }

    private SomGrid grid() {
        return live.map().grid();
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
        live.close();
        if (shadow != null) {
            shadow.close();
        }
    }

    /** Exponentially weighted quality of a map over about {@link #QUALITY_WINDOW} recent fresh images. */
    private static final class MapQuality {
        private double qe = Double.NaN;
        private double te = Double.NaN;
        private double weight;

        void add(long[] bmus, long[] second, float[] distances, int n, SomGrid grid) {
            for (int i = 0; i < n; i++) {
                double e = grid.adjacent((int) bmus[i], (int) second[i]) ? 0 : 1;
                double a = Math.max(1 / QUALITY_WINDOW, 1 / (weight + 1));
                qe = Double.isNaN(qe) ? distances[i] : qe + a * (distances[i] - qe);
                te = Double.isNaN(te) ? e : te + a * (e - te);
                weight++;
            }
        }

        boolean ready() {
            return weight >= QUALITY_WINDOW / 2;
        }

        double qe() {
            return qe;
        }

        double te() {
            return te;
        }

        void reset() {
            qe = Double.NaN;
            te = Double.NaN;
            weight = 0;
        }

        static void swap(MapQuality a, MapQuality b) {
            double q = a.qe;
            double t = a.te;
            double w = a.weight;
            a.qe = b.qe;
            a.te = b.te;
            a.weight = b.weight;
            b.qe = q;
            b.te = t;
            b.weight = w;
        }
    }
}
