package io.vitsom.model.adapt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;

/**
 * Answers a detected drift by raising the map's plasticity and letting it settle again: right after
 * {@link #boost} the temperature and learning rate are multiplied by the configured factors, which return to 1
 * geometrically over the anneal length ({@code f^(1 - progress)}), so the re-heating is strongest when the feed has
 * just changed and is gone once the map has followed it. Progress is counted in trained images, not time, so the
 * drift benchmark and the service behave the same. The state is two numbers, checkpointed with the model.
 */
public final class PlasticityController {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final AdaptationConfig.Plasticity settings;
    private long boostedAt = -1;
    private long images;
    private long boosts;

    public PlasticityController(AdaptationConfig.Plasticity settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    /** Moves the controller's clock to {@code imagesTrained}; never backwards. */
    public void advanceTo(long imagesTrained) {
        images = Math.max(images, imagesTrained);
    }

    /** Raises plasticity now (a drift was detected); does nothing when control is off. */
    public void boost() {
        if (settings.enabled()) {
            boostedAt = images;
            boosts++;
        }
    }

    /** Factor on the temperature now (1 = the schedule's own value). */
    public double temperatureFactor() {
        return factor(settings.temperatureFactor());
    }

    /** Factor on the learning rate now. */
    public double learningRateFactor() {
        return factor(settings.learningRateFactor());
    }

    /** Share of the boost left, 1 right after {@link #boost}, 0 once annealed (or never boosted). */
    public double level() {
        if (boostedAt < 0) {
            return 0;
        }
        double progress = (images - boostedAt) / (double) settings.annealImages();
        return Math.max(0, 1 - progress);
    }

    /** Whether a boost is still annealing. */
    public boolean boosting() {
        return level() > 0;
    }

    /** Images until the current boost has annealed, 0 when none is. */
    public long imagesLeft() {
        return boosting() ? boostedAt + settings.annealImages() - images : 0;
    }

    /** Boosts so far. */
    public long boosts() {
        return boosts;
    }

    /** The settings. */
    public AdaptationConfig.Plasticity settings() {
        return settings;
    }

    private double factor(double peak) {
        return Math.pow(peak, level());
    }

    /** The state for a checkpoint. */
    public ObjectNode toJson() {
        ObjectNode n = JSON.createObjectNode();
        n.put("boosted_at_images", boostedAt);
        n.put("images", images);
        n.put("boosts", boosts);
        return n;
    }

    /** Restores what {@link #toJson} wrote; a missing node leaves the controller fresh. */
    public void restore(JsonNode n) {
        if (n == null || n.isMissingNode() || n.isNull()) {
            return;
        }
        boostedAt = n.path("boosted_at_images").asLong(-1);
        images = n.path("images").asLong(0);
        boosts = n.path("boosts").asLong(0);
    }
}
