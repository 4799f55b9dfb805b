package io.vitsom.app;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import io.vitsom.model.checkpoint.Checkpoint;
import io.vitsom.model.config.ConfigNode;
import io.vitsom.model.map.UnitSampler;
import io.vitsom.model.render.ImagePictures;
import io.vitsom.model.render.MapImages;
import io.vitsom.model.som.SomGrid;
import io.vitsom.model.som.UnitAddress;
import io.vitsom.model.vae.VaeConfig;
import io.vitsom.model.vae.VaeModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code vitsom generate}: new images from a generative model. From a map checkpoint whose model is a
 * {@link UnitSampler} (Gen-SOM-Attn), {@code decode(prototype + N(0, sigma^2 I))} around one unit, and with
 * {@code --grid} every unit's decoded prototype laid out as the map; from a VAE model directory, draws from its prior.
 */
@Command(name = "generate", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Draw new images around a unit of a gen_som_attn checkpoint, or from a VAE's prior.",
                "Writes sample-NNN.png, all of them on the contact sheet samples.png, and with --grid grid.png "
                        + "(every unit's decoded prototype, laid out as the map)."})
public final class GenerateCommand implements Callable<Integer> {
    /** Most images one call draws: enough for any FID-style evaluation set, few enough to stay minutes. */
    static final int MAX_COUNT = 10_000;
    /** Pixels per image pixel on the contact sheet and the grid: 28x28 images are small on a screen. */
    private static final int SHEET_SCALE = 2;
    private static final int SHEET_GAP = 2;

    @Option(names = "--checkpoint", required = true,
            description = "a gen_som_attn checkpoint (e.g. <bench out>/model) or a VAE model directory")
    Path checkpoint;

    @Option(names = "--unit", paramLabel = "ROW,COL",
            description = "the unit to sample around, as ROW,COL or its index (gen_som_attn only)")
    String unit;

    @Option(names = "--count", defaultValue = "16", description = "images to draw, 1 to " + MAX_COUNT
            + " (default: ${DEFAULT-VALUE})")
    int count;

    @Option(names = "--sigma", description = "standard deviation of the noise added to the unit's prototype; 0 "
            + "decodes the prototype itself (default: the " + UnitSampler.GENERATION_SIGMA + " the checkpoint records)")
    Double sigma;

    @Option(names = "--grid", description = "also write grid.png: every unit's decoded prototype, laid out as the map")
    boolean grid;

    @Option(names = "--out", required = true, description = "directory for the PNGs (created if missing)")
    Path out;

    @Option(names = "--seed", defaultValue = "0", description = "seed of the noise (default: ${DEFAULT-VALUE}); "
            + "the same seed on the same checkpoint writes the same files")
    long seed;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        if (count < 1 || count > MAX_COUNT) {
            throw usage("--count must be in [1, " + MAX_COUNT + "], got " + count);
        }
        if (sigma != null && !(sigma >= 0 && Double.isFinite(sigma))) {
            throw usage("--sigma must be a finite number >= 0, got " + sigma);
        }
        String arch = modelArch();
        long started = System.nanoTime();
        try (NDManager manager = NDManager.newBaseManager()) {
            Drawn drawn = VaeConfig.MODEL_ARCH.equals(arch) ? fromVae(manager) : fromMap(arch, manager);
            System.err.printf(Locale.ROOT, "drew the images in %.1f s%n", (System.nanoTime() - started) / 1e9);
            write(drawn);
        }
        return 0;
    }

    /** The checkpoint's {@code hyperparameters.model_arch}, which says how to load it. */
    private String modelArch() throws IOException {
        if (!Files.isDirectory(checkpoint)) {
            throw usage("--checkpoint " + checkpoint + " is not a directory");
        }
        Path yaml = checkpoint.resolve("config.yaml");
        if (!Files.isRegularFile(yaml)) {
            throw usage("--checkpoint " + checkpoint + " has no config.yaml, so it is no checkpoint (a bench run "
                    + "writes its model to <out>/model)");
        }
        return ConfigNode.parse(ConfigNode.readFile(yaml), yaml.toString()).object("hyperparameters")
                .string("model_arch");
    }

    private Drawn fromVae(NDManager manager) throws IOException {
        if (unit != null || grid) {
            throw usage((unit != null ? "--unit" : "--grid") + ": a VAE has no units, it draws from its prior "
                    + "N(0, I); leave the option out, or give a gen_som_attn checkpoint");
        }
        if (sigma != null) {
            throw usage("--sigma: a VAE draws from its prior N(0, I); --sigma is the noise around a gen_som_attn "
                    + "unit");
        }
        System.err.println("loading VAE " + checkpoint + " ...");
        try (VaeModel vae = VaeModel.load(checkpoint, manager)) {
            return new Drawn(vae.sample(count, new Random(seed)), null, null, vae.config().numChannels(),
                    vae.config().inputSize(), "from the prior of VAE " + checkpoint + " (seed " + seed + ")");
        }
    }

    private Drawn fromMap(String arch, NDManager manager) throws IOException {
        System.err.println("loading checkpoint " + checkpoint + " ...");
        Checkpoint.Loaded loaded = Checkpoint.load(checkpoint, manager);
        if (!(loaded.model() instanceof UnitSampler sampler)) {
            throw usage("model_arch " + arch + " cannot generate images; generate needs a gen_som_attn checkpoint "
                    + "or a VAE model directory, and " + checkpoint + " is neither");
        }
        if (unit == null && !grid) {
            throw usage("give --unit ROW,COL to draw images around a unit, --grid for every unit's decoded "
                    + "prototype, or both");
        }
        SomGrid map = loaded.config().grid();
        Random random = new Random(seed);
        float[][] samples = null;
        String description = "";
        if (unit != null) {
            int index;
            try {
                index = UnitAddress.parse(unit, map);
            } catch (IllegalArgumentException e) {
                throw usage("--unit: " + e.getMessage());
            }
            double noise = sigma != null ? sigma : recordedSigma(loaded.metadata().provenance());
            samples = sampler.sample(index, count, noise, random);
            description = String.format(Locale.ROOT, "around unit %d,%d (sigma %s, seed %d) ", map.row(index),
                    map.col(index), noise, seed);
        }
        float[][] prototypes = null;
        if (grid) {
            prototypes = new float[map.units()][];
            for (int u = 0; u < map.units(); u++) {
                prototypes[u] = sampler.sample(u, 1, 0, random)[0];
            }
        }
        return new Drawn(samples, prototypes, map, loaded.config().numChannels(), loaded.config().inputSize(),
                description + "of " + arch + " checkpoint " + checkpoint);
    }

    private double recordedSigma(JsonNode provenance) {
        JsonNode recorded = provenance == null ? null : provenance.get(UnitSampler.GENERATION_SIGMA);
        if (recorded == null || !recorded.isNumber()) {
            throw usage("--sigma is required: " + checkpoint + " records no " + UnitSampler.GENERATION_SIGMA
                    + " (the generative benchmark records the one it sampled with)");
        }
        return recorded.asDouble();
    }

    private void write(Drawn drawn) throws IOException {
        Files.createDirectories(out);
        int side = drawn.inputSize();
        int channels = drawn.channels();
        if (drawn.samples() != null) {
            float[][] samples = drawn.samples();
            int digits = Math.max(3, Integer.toString(samples.length - 1).length());
            for (int i = 0; i < samples.length; i++) {
                MapImages.writePng(ImagePictures.picture(samples[i], channels, side, side),
                        out.resolve(String.format(Locale.ROOT, "sample-%0" + digits + "d.png", i)));
            }
            MapImages.writePng(ImagePictures.contactSheet(samples, channels, side, side,
                    ImagePictures.squareColumns(samples.length), SHEET_SCALE, SHEET_GAP), out.resolve("samples.png"));
            System.out.println("wrote " + samples.length + " images " + drawn.description() + " to " + out
                    + " (sample-*.png, samples.png)");
        }
        if (drawn.prototypes() != null) {
            MapImages.writePng(MapImages.prototypeMosaic(drawn.prototypes(), channels, side, side, drawn.map(),
                    SHEET_SCALE, SHEET_GAP), out.resolve("grid.png"));
            System.out.println("wrote the decoded prototypes of the " + drawn.map().rows() + "x" + drawn.map().cols()
                    + " map to " + out.resolve("grid.png"));
        }
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }

    /**
     * What one call drew.
     *
     * @param samples the images around the unit or from the prior; null when only the grid was asked for
     * @param prototypes every unit's decoded prototype, row-major; null without {@code --grid}
     * @param map the map the prototypes are laid out as; null for a VAE
     */
    private record Drawn(float[][] samples, float[][] prototypes, SomGrid map, int channels, int inputSize,
                         String description) {
    }
}
