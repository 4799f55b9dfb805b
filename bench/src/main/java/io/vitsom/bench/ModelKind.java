package io.vitsom.bench;

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
    SOM_VAE("som_vae");

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
}
