package io.vitsom.serving;

/**
 * An announced model that serving refuses for good: outside {@code --checkpoint-root}, unsigned or badly signed
 * under {@code --model-key-file}, or a checkpoint that records another version than the one announced. Unlike a
 * checkpoint that fails to load (which may appear later and is retried), trying again cannot help.
 */
public final class UntrustedModelException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /** The checkpoint is outside the root. */
    public static final String OUTSIDE_ROOT = "outside-root";
    /** No signature where one is required. */
    public static final String UNSIGNED = "unsigned";
    /** A signature that does not match. */
    public static final String BAD_SIGNATURE = "bad-signature";
    /** The announced version is not the checkpoint's own. */
    public static final String WRONG_VERSION = "wrong-version";

    private final String reason;

    UntrustedModelException(String reason, String message) {
        super(message);
        this.reason = reason;
    }

    /** One of the reason codes of this class, for metrics. */
    public String reason() {
        return reason;
    }
}
