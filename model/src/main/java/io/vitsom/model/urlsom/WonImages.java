package io.vitsom.model.urlsom;

/**
 * The recent images each unit won, as a running mean per unit: what a URL-SOM unit looks like, since it has no
 * prototype in pixel space. Each win moves the unit's picture by {@code max(1 / wins, 1 / window)} towards the image,
 * so a picture is the plain mean of a unit's first {@code window} wins and then follows its last ~{@code window}.
 * Fed by every training step, so the pictures cover the whole map, not only the units of the last batch. Not
 * thread-safe; kept in memory only (a restarted learner draws them again from the images it trains on).
 */
final class WonImages {
    private final int imageFloats;
    private final int window;
    private final float[][] pictures;
    private final long[] wins;

    /**
     * @param units units of the map
     * @param imageFloats floats of one image
     * @param window wins over which a picture averages, > 0
     */
    WonImages(int units, int imageFloats, int window) {
        if (units <= 0 || imageFloats <= 0 || window <= 0) {
            throw new IllegalArgumentException("units, imageFloats and window must be > 0");
        }
        this.imageFloats = imageFloats;
        this.window = window;
        this.pictures = new float[units][];
        this.wins = new long[units];
    }

    /** Records that image {@code i} of {@code images} ({@code count} images) was won by unit {@code bmus[i]}. */
    void record(float[] images, long[] bmus, int count) {
        for (int i = 0; i < count; i++) {
            int unit = Math.toIntExact(bmus[i]);
            wins[unit]++;
            float rate = (float) Math.max(1.0 / wins[unit], 1.0 / window);
            if (pictures[unit] == null) {
                pictures[unit] = new float[imageFloats];
            }
            float[] p = pictures[unit];
            int from = i * imageFloats;
            for (int k = 0; k < imageFloats; k++) {
                p[k] += rate * (images[from + k] - p[k]);
            }
        }
    }

    /** Whether any image was recorded. */
    boolean isEmpty() {
        for (long w : wins) {
            if (w > 0) {
                return false;
            }
        }
        return true;
    }

    /** A copy of every unit's picture, {@code [units][imageFloats]}; null for a unit that never won. */
    float[][] pictures() {
        float[][] out = new float[pictures.length][];
        for (int u = 0; u < pictures.length; u++) {
            out[u] = pictures[u] == null ? null : pictures[u].clone();
        }
        return out;
    }
}
