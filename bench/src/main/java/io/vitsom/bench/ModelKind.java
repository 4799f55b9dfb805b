package io.vitsom.bench;

import io.vitsom.model.map.MapModelConfig;
import io.vitsom.model.urlsom.UrlSomConfig;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** Which model the clustering benchmark trains. */
public enum ModelKind {
    /** ViT-SOM as configured. */
    VIT_SOM("vit_som"),
    /** The classic Kohonen SOM on raw pixels, by default on the config's map (the paper's "SOM" baseline). */
    SOM("som"),
    /** DESOM: fully connected autoencoder with a SOM on its 10-d code (reference values, 8x8 map by default). */
    DESOM("desom"),
    /** SOM-VAE: discrete-latent autoencoder with a SOM over its embeddings (its paper's values, 8x8 by default). */
    SOM_VAE("som_vae"),
    /**
     * URL-SOM (seed paper 003): a ResNet whose softmax over the map is trained without labels, from a
     * {@code model_arch: url_som} config ({@code configs/url_som_*.yaml}); its map is the config's.
     */
    URL_SOM("url_som");

    private final String label;

    ModelKind(String label) {
        this.label = label;
    }

    /** Name used on the command line and in result files. */
    public String label() {
        return label;
    }

    /** The kind named {@code name} (its label; dashes accepted for underscores). */
    public static ModelKind parse(String name) {
        String n = name.toLowerCase(Locale.ROOT).replace('-', '_');
        return Arrays.stream(values()).filter(k -> k.label.equals(n)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("--model must be one of "
                        + Arrays.stream(values()).map(ModelKind::label).collect(Collectors.joining(", ")) + ", got " + name));
    }

    /** What a config trains when no {@code --model} is given: URL-SOM for a url_som config, else ViT-SOM. */
    public static ModelKind of(MapModelConfig config) {
        return config instanceof UrlSomConfig ? URL_SOM : VIT_SOM;
    }

    /**
     * The kind {@code --model} names ({@link #of the config's} when null), refused when the config cannot train it:
     * a url_som config trains URL-SOM only, and URL-SOM needs a url_som config (ViT-SOM and the baselines read a
     * ViT-SOM config: the baselines take its map and budget).
     */
    public static ModelKind resolve(String model, MapModelConfig config) {
        ModelKind kind = model == null ? of(config) : parse(model);
        requireFits(kind, config);
        return kind;
    }

    /** Fails, naming both, when {@code config} cannot train {@code kind} (see {@link #resolve}). */
    public static void requireFits(ModelKind kind, MapModelConfig config) {
        boolean urlSomConfig = config instanceof UrlSomConfig;
        if (urlSomConfig && kind != URL_SOM) {
            throw new IllegalArgumentException("--model " + kind.label() + " does not train from a url_som config "
                    + "(model_arch: url_som trains URL-SOM only); drop --model, or give a ViT-SOM config such as "
                    + "configs/vit_som_mnist.yaml for " + kind.label());
        }
        if (!urlSomConfig && kind == URL_SOM) {
            throw new IllegalArgumentException("--model url_som needs a url_som config (configs/url_som_*.yaml), got "
                    + "model_arch " + config.modelArch());
        }
    }
}
