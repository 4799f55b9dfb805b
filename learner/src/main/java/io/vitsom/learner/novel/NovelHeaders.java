package io.vitsom.learner.novel;

/**
 * Headers of the novel-image quarantine. The learner copies an {@code images.valid} record whose BMU distance lies far
 * above the recent distribution to {@code images.novel} unchanged (key, value, original headers) and adds
 * {@link #DISTANCE}, {@link #THRESHOLD}, {@link #MODEL_VERSION} and {@link #SOURCE}; it does not train on it. Releasing
 * the record ({@link NovelRelease}) produces it to {@code images.valid} again with the original headers only, every
 * header under {@link #PREFIX} removed, plus {@link #RELEASED}; the learner trains such a record without quarantining
 * it a second time. Every value is UTF-8 text, like the {@link io.vitsom.stream.ImageRecord} headers.
 */
public final class NovelHeaders {
    /** Prefix of every quarantine header; a release strips all of them before adding {@link #RELEASED}. */
    public static final String PREFIX = "vitsom.novel.";
    /** The image's BMU distance when it was quarantined, in the model's own distance (decimal, e.g. {@code 3.25}). */
    public static final String DISTANCE = PREFIX + "distance";
    /** The distance above which images counted as novel at that moment (decimal). */
    public static final String THRESHOLD = PREFIX + "threshold";
    /** The newest published model version when the image was quarantined (decimal). */
    public static final String MODEL_VERSION = PREFIX + "model_version";
    /**
     * Where the original record was: {@code <topic>-<partition>@<offset>} of {@code images.valid}, e.g.
     * {@code images.valid-1@4711}.
     */
    public static final String SOURCE = PREFIX + "source";
    /**
     * {@code true} on a record a release put back on {@code images.valid}: the learner trains it and does not
     * quarantine it again.
     */
    public static final String RELEASED = PREFIX + "released";

    private NovelHeaders() {
    }
}
