package io.vitsom.learner;

import io.vitsom.model.adapt.AdaptationConfig;
import java.util.Locale;
import picocli.CommandLine.Option;

/**
 * The continual-learning options of {@code learn} and {@code run} (a picocli mixin inside
 * {@link LearnerCliOptions}): rehearsal, maintenance floors, drift detection and plasticity control, quarantine,
 * upkeep and the shadow map. Defaults are {@link AdaptationConfig#defaults()}.
 */
public final class AdaptationCliOptions {
    private static final AdaptationConfig D = AdaptationConfig.defaults();

    @Option(names = "--rehearsal", defaultValue = "on", paramLabel = "on|off",
            description = "fill batches from a reservoir of earlier images when the feed is slower than the learner "
                    + "(default: ${DEFAULT-VALUE})")
    String rehearsal;

    @Option(names = "--rehearsal-images", defaultValue = "20000",
            description = "images the rehearsal reservoir keeps (default: ${DEFAULT-VALUE})")
    int rehearsalImages;

    @Option(names = "--rehearsal-memory-mb", defaultValue = "256",
            description = "memory cap of the reservoir's pixels in MiB (default: ${DEFAULT-VALUE})")
    long rehearsalMemoryMb;

    @Option(names = "--rehearsal-share", defaultValue = "0.75",
            description = "largest share of a batch taken from the reservoir, in [0, 1) (default: ${DEFAULT-VALUE})")
    double rehearsalShare;

    @Option(names = "--maintenance", defaultValue = "floors", paramLabel = "floors|reference",
            description = "where the schedules settle after the horizon: the maintenance floors below, or the "
                    + "reference's end points (Tmin, min_lr: a frozen map) (default: ${DEFAULT-VALUE})")
    String maintenance;

    @Option(names = "--maintenance-temperature", defaultValue = "0.5",
            description = "lowest SOM temperature after the horizon, in grid units (default: ${DEFAULT-VALUE})")
    double maintenanceTemperature;

    @Option(names = "--maintenance-lr", defaultValue = "0.05",
            description = "lowest learning rate after the horizon, as a fraction of its peak (default: ${DEFAULT-VALUE})")
    double maintenanceLr;

    @Option(names = "--drift-detection", defaultValue = "on", paramLabel = "on|off",
            description = "watch the map's QE, TE, hit map and prototype drift for changes (default: ${DEFAULT-VALUE})")
    String detection;

    @Option(names = "--drift-warmup-images", defaultValue = "0",
            description = "fresh images before the detectors may arm; they arm only once the map has organised too "
                    + "(the organisation horizon is over) (default: ${DEFAULT-VALUE})")
    long driftWarmup;

    @Option(names = "--plasticity", defaultValue = "on", paramLabel = "on|off",
            description = "on a detected drift, raise temperature and learning rate and anneal back "
                    + "(default: ${DEFAULT-VALUE})")
    String plasticity;

    @Option(names = "--plasticity-temperature-factor",
            defaultValue = "" + AdaptationConfig.Plasticity.DEFAULT_TEMPERATURE_FACTOR,
            description = "temperature factor right after a drift (default: ${DEFAULT-VALUE})")
    double plasticityTemperature;

    @Option(names = "--plasticity-lr-factor",
            defaultValue = "" + AdaptationConfig.Plasticity.DEFAULT_LEARNING_RATE_FACTOR,
            description = "learning-rate factor right after a drift (default: ${DEFAULT-VALUE})")
    double plasticityLr;

    @Option(names = "--plasticity-anneal-images",
            defaultValue = "" + AdaptationConfig.Plasticity.DEFAULT_ANNEAL_IMAGES,
            description = "fresh images over which the factors return to 1 (default: ${DEFAULT-VALUE})")
    long plasticityAnneal;

    @Option(names = "--quarantine", defaultValue = "off", paramLabel = "on|off",
            description = "send images far from every prototype to images.novel instead of training on them "
                    + "(default: ${DEFAULT-VALUE})")
    String quarantine;

    @Option(names = "--quarantine-quantile", defaultValue = "0.99",
            description = "quantile of recent BMU distances the threshold builds on (default: ${DEFAULT-VALUE})")
    double quarantineQuantile;

    @Option(names = "--quarantine-factor", defaultValue = "1.5",
            description = "threshold = factor x that quantile (default: ${DEFAULT-VALUE})")
    double quarantineFactor;

    @Option(names = "--quarantine-warmup", defaultValue = "2000",
            description = "distances seen before the quarantine acts (default: ${DEFAULT-VALUE})")
    int quarantineWarmup;

    @Option(names = "--upkeep", defaultValue = "off", paramLabel = "on|off",
            description = "re-seed units that won nothing over a window from that window's highest-error images "
                    + "(default: ${DEFAULT-VALUE})")
    String upkeep;

    @Option(names = "--upkeep-window", defaultValue = "20000",
            description = "fresh images per upkeep window (default: ${DEFAULT-VALUE})")
    long upkeepWindow;

    @Option(names = "--shadow", defaultValue = "off", paramLabel = "off|start|on-drift",
            description = "train a fresh candidate map beside the live one: from the start, or from the first "
                    + "drift detected; `vitsom promote` swaps them (default: ${DEFAULT-VALUE})")
    String shadow;

    @Option(names = "--shadow-promote", defaultValue = "manual", paramLabel = "manual|auto",
            description = "auto: promote the candidate once it trained 20,000 images and its window QE is 5%% "
                    + "below the live map's (default: ${DEFAULT-VALUE})")
    String shadowPromote;

    /** The validated settings. */
    public AdaptationConfig toConfig() {
        AdaptationConfig.Rehearsal r = new AdaptationConfig.Rehearsal(onOff("--rehearsal", rehearsal),
                rehearsalImages, rehearsalMemoryMb << 20, rehearsalShare);
        AdaptationConfig.Maintenance m = switch (maintenance.toLowerCase(Locale.ROOT)) {
            case "floors" -> new AdaptationConfig.Maintenance(maintenanceTemperature, maintenanceLr);
            case "reference" -> AdaptationConfig.Maintenance.reference();
            default -> throw new IllegalArgumentException("--maintenance must be floors or reference, got "
                    + maintenance);
        };
        AdaptationConfig.Detection d = D.detection().withEnabled(onOff("--drift-detection", detection))
                .withWarmup(driftWarmup);
        AdaptationConfig.Plasticity p = new AdaptationConfig.Plasticity(onOff("--plasticity", plasticity),
                plasticityTemperature, plasticityLr, plasticityAnneal);
        AdaptationConfig.Quarantine q = new AdaptationConfig.Quarantine(onOff("--quarantine", quarantine),
                quarantineQuantile, quarantineFactor, Math.max(D.quarantine().window(), quarantineWarmup),
                quarantineWarmup);
        AdaptationConfig.Upkeep u = new AdaptationConfig.Upkeep(onOff("--upkeep", upkeep), upkeepWindow,
                D.upkeep().candidates());
        boolean auto = switch (shadowPromote.toLowerCase(Locale.ROOT)) {
            case "manual" -> false;
            case "auto" -> true;
            default -> throw new IllegalArgumentException("--shadow-promote must be manual or auto, got "
                    + shadowPromote);
        };
        AdaptationConfig.Shadow base = D.shadow();
        AdaptationConfig.Shadow s = switch (shadow.toLowerCase(Locale.ROOT)) {
            case "off" -> new AdaptationConfig.Shadow(false, false, auto, base.minImages(), base.margin());
            case "start" -> new AdaptationConfig.Shadow(true, false, auto, base.minImages(), base.margin());
            case "on-drift" -> new AdaptationConfig.Shadow(false, true, auto, base.minImages(), base.margin());
            default -> throw new IllegalArgumentException("--shadow must be off, start or on-drift, got " + shadow);
        };
        return new AdaptationConfig(r, m, p, d, q, u, s);
    }

    private static boolean onOff(String option, String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "on" -> true;
            case "off" -> false;
            default -> throw new IllegalArgumentException(option + " must be on or off, got " + value);
        };
    }
}
