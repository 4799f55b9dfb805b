package io.vitsom.model.adapt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vitsom.model.drift.MapSignalMonitor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What a continual learner must carry across a restart beside its model and optimizer, so that a resumed learner
 * rehearses, gates and counts as if it had never stopped: the counters, the rehearsal reservoir and the novelty
 * gate it holds, and the checkpoint layout that also takes in the live map's plasticity, the detectors' clock and
 * the shadow map. The layout lives here alone so that what a checkpoint holds is written and read in one place.
 * Not thread-safe: one caller, the training thread.
 */
final class ContinualState {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final AdaptationConfig.Rehearsal rehearsal;
    private final int imageBytes;
    private RehearsalReservoir reservoir;
    private NoveltyGate gate;
    private long freshImages;
    private long rehearsedImages;
    private long novelImages;
    private long reseededUnits;
    private long detections;

    /** @param seed seeds the reservoir */
    ContinualState(AdaptationConfig config, int imageBytes, long seed) {
        this.rehearsal = config.rehearsal();
        this.imageBytes = imageBytes;
        this.reservoir = new RehearsalReservoir(rehearsal.capacity(), rehearsal.maxBytes(), imageBytes,
                seed ^ 0x5eed5eedL);
        AdaptationConfig.Quarantine q = config.quarantine();
        this.gate = new NoveltyGate(q.quantile(), q.factor(), q.window(), q.warmupImages());
    }

    RehearsalReservoir reservoir() {
        return reservoir;
    }

    NoveltyGate gate() {
        return gate;
    }

    void trained(int fresh, int rehearsed) {
        freshImages += fresh;
        rehearsedImages += rehearsed;
    }

    void quarantined(int images) {
        novelImages += images;
    }

    void reseeded(int units) {
        reseededUnits += units;
    }

    void detected(int events) {
        detections += events;
    }

    long freshImages() {
        return freshImages;
    }

    long rehearsedImages() {
        return rehearsedImages;
    }

    long novelImages() {
        return novelImages;
    }

    long reseededUnits() {
        return reseededUnits;
    }

    long detections() {
        return detections;
    }

    /** Writes the state into {@code checkpointDir}, a checkpoint being built (the model itself is the checkpoint's). */
    void writeTo(Path checkpointDir, PlasticityController plasticity, MapSignalMonitor monitor, ShadowMap shadow)
            throws IOException {
        Path state = checkpointDir.resolve(ContinualTrainer.STATE_DIR);
        Files.createDirectories(state);
        ObjectNode n = JSON.createObjectNode();
        n.put("fresh_images", freshImages);
        n.put("rehearsed_images", rehearsedImages);
        n.put("novel_images", novelImages);
        n.put("reseeded_units", reseededUnits);
        n.put("detections", detections);
        n.put("monitor_images", monitor.images());
        n.put("shadow_images", shadow.images());
        n.set("plasticity", plasticity.toJson());
        n.set("novelty_gate", gate.toJson());
        if (shadow.running()) {
            n.set("shadow_plasticity", shadow.plasticityJson());
        }
        JSON.writeValue(state.resolve("state.json").toFile(), n);
        if (reservoir.size() > 0) {
            reservoir.save(state.resolve("reservoir"));
        }
        shadow.save(checkpointDir.resolve(ContinualTrainer.SHADOW_DIR));
    }

    /**
     * Restores what {@link #writeTo} wrote under {@code checkpointDir} and resumes the detectors' clock.
     *
     * @return false when the checkpoint holds no state (written before continual training existed), which leaves
     *     everything fresh
     */
    boolean restore(Path checkpointDir, PlasticityController plasticity, MapSignalMonitor monitor, ShadowMap shadow)
            throws IOException {
        Path state = checkpointDir.resolve(ContinualTrainer.STATE_DIR);
        if (!Files.isRegularFile(state.resolve("state.json"))) {
            return false;
        }
        JsonNode n = JSON.readTree(state.resolve("state.json").toFile());
        freshImages = n.path("fresh_images").asLong();
        rehearsedImages = n.path("rehearsed_images").asLong();
        novelImages = n.path("novel_images").asLong();
        reseededUnits = n.path("reseeded_units").asLong();
        detections = n.path("detections").asLong();
        shadow.restoreImages(n.path("shadow_images").asLong());
        plasticity.restore(n.path("plasticity"));
        if (n.has("novelty_gate")) {
            gate = NoveltyGate.fromJson(n.path("novelty_gate"));
        }
        long quietUntil = plasticity.boosting() ? n.path("monitor_images").asLong() + plasticity.imagesLeft() : 0;
        monitor.resumeAt(n.path("monitor_images").asLong(), quietUntil);
        if (Files.isDirectory(state.resolve("reservoir"))) {
            reservoir = RehearsalReservoir.load(state.resolve("reservoir"), rehearsal.capacity(), rehearsal.maxBytes(),
                    imageBytes);
        }
        Path shadowDir = checkpointDir.resolve(ContinualTrainer.SHADOW_DIR);
        if (Files.isDirectory(shadowDir)) {
            shadow.restore(shadowDir, n.path("shadow_plasticity"));
        }
        return true;
    }
}
