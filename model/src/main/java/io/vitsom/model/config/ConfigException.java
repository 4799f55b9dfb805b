package io.vitsom.model.config;

/** A configuration file that cannot be used; the message names the offending key. */
public final class ConfigException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;
    private final String key;

    public ConfigException(String key, String problem) {
        super(key + ": " + problem);
        this.key = key;
    }

    /** Dotted path of the offending key, e.g. {@code hyperparameters.vit.patch_size}. */
    public String key() {
        return key;
    }
}
