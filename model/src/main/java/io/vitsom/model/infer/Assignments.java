package io.vitsom.model.infer;

/**
 * BMU assignments of a set of images.
 *
 * @param bmu best-matching unit per image
 * @param distance distance to the BMU, in the model's own distance
 * @param secondBmu second-best unit per image (for the topographic error)
 */
public record Assignments(int[] bmu, float[] distance, int[] secondBmu) {
    /** Number of images assigned. */
    public int size() {
        return bmu.length;
    }
}
