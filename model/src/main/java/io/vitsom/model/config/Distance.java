package io.vitsom.model.config;

/** Distance between SOM inputs and prototypes, as {@code distance_fcn} in the reference configs. */
public enum Distance {
    /** {@code 1 - <x/|x|, w/|w|>}. */
    COSINE("cosine"),
    /** L2 distance ({@code torch.cdist(p=2)}). */
    EUCLIDEAN("euclidean"),
    /** L1 distance ({@code torch.cdist(p=1)}). */
    MANHATTAN("manhattan");

    private final String configName;

    Distance(String configName) {
        this.configName = configName;
    }

    public String configName() {
        return configName;
    }

    /** Parses the config name. */
    public static Distance fromConfig(String name) {
        for (Distance d : values()) {
            if (d.configName.equals(name)) {
                return d;
            }
        }
        throw new IllegalArgumentException("unknown distance '" + name + "' (expected cosine, euclidean or manhattan)");
    }
}
