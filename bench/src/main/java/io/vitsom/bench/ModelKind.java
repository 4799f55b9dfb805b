package io.vitsom.bench;

/** Which model the clustering benchmark trains. */
public enum ModelKind {
    /** ViT-SOM as configured. */
    VIT_SOM("vit_som"),
    /** The classic Kohonen SOM on raw pixels, same map size (the paper's "SOM" baseline). */
    SOM("som");

    private final String label;

    ModelKind(String label) {
        this.label = label;
    }

    /** Name used on the command line and in result files. */
    public String label() {
        return label;
    }
}
