package io.vitsom.model.adapt;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Tracks which map units win images over a window of images and remembers the window's highest-error images,
 * so that units that won nothing (dead units) can be re-seeded with images the map represents worst.
 *
 * <p>The candidates are kept in a min-heap on distance of at most {@code candidates} entries whose pixel
 * buffers are allocated once and reused, so recording costs no allocation after the first window. Among equal
 * distances the image recorded first wins. Not thread-safe.
 */
public final class UnitUpkeep {

    private final int units;
    private final long windowImages;
    private final int candidates;
    private final int imageFloats;
    private final long[] hits;
    /** Min-heap on (distance, then later-recorded first): the root is the candidate to evict next. */
    private final float[] heapDistance;
    private final long[] heapOrder;
    private final float[][] heapPixels;
    private int heapSize;
    private long recorded;

    /**
     * Creates an empty tracker.
     *
     * @param units        the number of map units, positive
     * @param windowImages how many images make a complete window, positive
     * @param candidates   how many highest-error images to remember, not negative
     * @param imageFloats  the floats of one image, positive
     * @throws IllegalArgumentException if an argument is out of range
     */
    public UnitUpkeep(int units, long windowImages, int candidates, int imageFloats) {
        if (units <= 0) {
            throw new IllegalArgumentException("units must be positive, got " + units);
        }
        if (windowImages <= 0) {
            throw new IllegalArgumentException("windowImages must be positive, got " + windowImages);
        }
        if (candidates < 0) {
            throw new IllegalArgumentException("candidates must not be negative, got " + candidates);
        }
        if (imageFloats <= 0) {
            throw new IllegalArgumentException("imageFloats must be positive, got " + imageFloats);
        }
        this.units = units;
        this.windowImages = windowImages;
        this.candidates = candidates;
        this.imageFloats = imageFloats;
        this.hits = new long[units];
        this.heapDistance = new float[candidates];
        this.heapOrder = new long[candidates];
        this.heapPixels = new float[candidates][];
    }

    /**
     * Records a batch: counts a hit for each image's BMU and keeps the image if its distance is among the
     * window's {@code candidates} largest. Images with a non-finite distance count as hits but never become
     * candidates, since a broken image must not re-seed a unit.
     *
     * @param bmus      each image's best-matching unit, in {@code [0, units)}
     * @param distances each image's BMU distance
     * @param images    {@code count * imageFloats} pixels, one image after the other; copied
     * @param count     how many images of the arrays to record
     * @throws IllegalArgumentException if an array is too short or a BMU is out of range
     */
    public void record(long[] bmus, float[] distances, float[] images, int count) {
        Objects.requireNonNull(bmus, "bmus");
        Objects.requireNonNull(distances, "distances");
        Objects.requireNonNull(images, "images");
        if (count < 0 || bmus.length < count || distances.length < count
                || images.length < (long) count * imageFloats) {
            throw new IllegalArgumentException("count " + count + " does not fit bmus[" + bmus.length
                    + "], distances[" + distances.length + "], images[" + images.length + "] of " + imageFloats
                    + " floats per image");
        }
        // Validate first so a bad batch leaves the window untouched.
        for (int i = 0; i < count; i++) {
            if (bmus[i] < 0 || bmus[i] >= units) {
                throw new IllegalArgumentException("bmus[" + i + "] = " + bmus[i] + " is not a unit of " + units);
            }
        }
        for (int i = 0; i < count; i++) {
            hits[(int) bmus[i]]++;
            float d = distances[i];
            long order = recorded++;
            if (candidates == 0 || !Float.isFinite(d)) {
                continue;
            }
            if (heapSize < candidates) {
                int slot = heapSize++;
                if (heapPixels[slot] == null) {
                    heapPixels[slot] = new float[imageFloats];
                }
                System.arraycopy(images, i * imageFloats, heapPixels[slot], 0, imageFloats);
                heapDistance[slot] = d;
                heapOrder[slot] = order;
                siftUp(slot);
            } else if (d > heapDistance[0]) {
                System.arraycopy(images, i * imageFloats, heapPixels[0], 0, imageFloats);
                heapDistance[0] = d;
                heapOrder[0] = order;
                siftDown(0);
            }
        }
    }

    /**
     * Whether the current window has seen enough images to judge which units are dead.
     *
     * @return {@code recorded() >= windowImages}
     */
    public boolean windowComplete() {
        return recorded >= windowImages;
    }

    /**
     * The units that won no image in the current window.
     *
     * @return their indices, ascending
     */
    public int[] deadUnits() {
        int dead = 0;
        for (long h : hits) {
            if (h == 0) {
                dead++;
            }
        }
        int[] out = new int[dead];
        for (int u = 0, k = 0; u < units; u++) {
            if (hits[u] == 0) {
                out[k++] = u;
            }
        }
        return out;
    }

    /**
     * Copies of the window's highest-error images, largest distance first (ties: recorded first).
     *
     * @return at most {@code candidates} images of {@code imageFloats} floats each
     */
    public List<float[]> highErrorImages() {
        Integer[] idx = sortedCandidates();
        List<float[]> out = new ArrayList<>(idx.length);
        for (int i : idx) {
            out.add(heapPixels[i].clone());
        }
        return out;
    }

    /**
     * The distances of {@link #highErrorImages()}, in the same order.
     *
     * @return at most {@code candidates} distances, descending
     */
    public float[] highErrorDistances() {
        Integer[] idx = sortedCandidates();
        float[] out = new float[idx.length];
        for (int k = 0; k < idx.length; k++) {
            out[k] = heapDistance[idx[k]];
        }
        return out;
    }

    /**
     * Each unit's hits in the current window.
     *
     * @return a copy, indexed by unit
     */
    public long[] hits() {
        return hits.clone();
    }

    /**
     * The number of images recorded in the current window.
     *
     * @return the count
     */
    public long recorded() {
        return recorded;
    }

    /** Starts a new window: clears the hit counts, the recorded count and the candidates. */
    public void nextWindow() {
        Arrays.fill(hits, 0);
        recorded = 0;
        heapSize = 0;
    }

    private Integer[] sortedCandidates() {
        Integer[] idx = new Integer[heapSize];
        for (int i = 0; i < heapSize; i++) {
            idx[i] = i;
        }
        Arrays.sort(idx, (a, b) -> {
            int c = Float.compare(heapDistance[b], heapDistance[a]);
            return c != 0 ? c : Long.compare(heapOrder[a], heapOrder[b]);
        });
        return idx;
    }

    /** Whether slot a should sit above slot b in the min-heap: smaller distance, or equal and recorded later. */
    private boolean evictsBefore(int a, int b) {
        int c = Float.compare(heapDistance[a], heapDistance[b]);
        return c < 0 || (c == 0 && heapOrder[a] > heapOrder[b]);
    }

    private void siftUp(int i) {
        while (i > 0) {
            int parent = (i - 1) / 2;
            if (!evictsBefore(i, parent)) {
                return;
            }
            swap(i, parent);
            i = parent;
        }
    }

    private void siftDown(int i) {
        while (true) {
            int left = 2 * i + 1;
            if (left >= heapSize) {
                return;
            }
            int child = left + 1 < heapSize && evictsBefore(left + 1, left) ? left + 1 : left;
            if (!evictsBefore(child, i)) {
                return;
            }
            swap(i, child);
            i = child;
        }
    }

    private void swap(int a, int b) {
        float d = heapDistance[a];
        heapDistance[a] = heapDistance[b];
        heapDistance[b] = d;
        long o = heapOrder[a];
        heapOrder[a] = heapOrder[b];
        heapOrder[b] = o;
        float[] p = heapPixels[a];
        heapPixels[a] = heapPixels[b];
        heapPixels[b] = p;
    }
}
