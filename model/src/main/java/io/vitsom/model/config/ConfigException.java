package io.vitsom.model.config;

/** A configuration file that cannot be used; the message names the offending key. */
public final class ConfigException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;
    private final String key;

    public ConfigException(String key, String problem) {
        super(key + ": " + problem);
        this.key = key;
    }

    /**
     * Throws a {@code ConfigException} for {@code key} unless {@code ok}: the one check every config record's
     * validation is written in, so a failed check always names the dotted key the same way.
     */
    public static void require(boolean ok, String key, String problem) {
        if (!ok) {
            throw new ConfigException(key, problem);
        }
    }

    /** Dotted path of the offending key, e.g. {@code hyperparameters.vit.patch_size}. */
    public String key() {
        return key;
    }
}
