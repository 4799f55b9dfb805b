package io.vitsom.model.adapt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vitsom.model.io.Npy;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.Objects;

/**
 * A bounded uniform random sample of the images offered so far (Vitter's Algorithm R), used to fill training
 * batches when the live feed is slower than the learner, so the map rehearses the past instead of
 * over-fitting the last few images.
 *
 * <p>Images are stored as uint8 CHW bytes, {@code imageBytes} each, in one byte array that grows in chunks
 * as the reservoir fills, so a generous capacity that is never reached costs nothing. Each slot may carry a
 * label (any string, or {@code null}). All randomness comes from one {@link SplitMix64}, whose state is saved
 * with the images, so a reservoir restored by {@link #load} makes exactly the same future decisions as the
 * one that was saved. Not thread-safe.
 */
public final class RehearsalReservoir {

    /** Largest byte array the JVM reliably allocates. */
    private static final int MAX_ARRAY_BYTES = Integer.MAX_VALUE - 8;
    /** The storage starts with about this many bytes of slots and then doubles. */
    private static final int FIRST_CHUNK_BYTES = 1 << 20;
    private static final String IMAGES_FILE = "images.npy";
    private static final String STATE_FILE = "reservoir.json";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final float[] UNIT_SCALE = new float[256];

    static {
        for (int i = 0; i < 256; i++) {
            UNIT_SCALE[i] = i / 255f;
        }
    }

    private final int capacity;
    private final int imageBytes;
    private final SplitMix64 rng;
    private byte[] pixels = new byte[0];
    private String[] labels = new String[0];
    private int size;
    private long seen;

    /**
     * Creates an empty reservoir.
     *
     * <p>The effective capacity is {@code min(capacity, maxBytes / imageBytes)}, further capped so that all
     * images fit one Java array (just under 2 GiB).
     *
     * @param capacity   the most images to keep, positive
     * @param maxBytes   the most bytes of pixels to keep, positive
     * @param imageBytes the bytes of one image (channels * height * width), positive
     * @param seed       the seed of the random generator
     * @throws IllegalArgumentException if an argument is out of range or the effective capacity is 0
     */
    public RehearsalReservoir(int capacity, long maxBytes, int imageBytes, long seed) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("capacity must be positive, got " + capacity);
        }
        if (maxBytes <= 0) {
            throw new IllegalArgumentException("maxBytes must be positive, got " + maxBytes);
        }
        if (imageBytes <= 0) {
            throw new IllegalArgumentException("imageBytes must be positive, got " + imageBytes);
        }
        long effective = Math.min(Math.min(capacity, maxBytes / imageBytes), MAX_ARRAY_BYTES / imageBytes);
        if (effective <= 0) {
            throw new IllegalArgumentException("maxBytes " + maxBytes + " holds no image of " + imageBytes
                    + " bytes: the reservoir's effective capacity would be 0");
        }
        this.capacity = (int) effective;
        this.imageBytes = imageBytes;
        this.rng = new SplitMix64(seed);
    }

    /**
     * Offers one image: the first {@link #capacity()} images are kept, after that the n-th image replaces a
     * random slot with probability {@code capacity / n}, so every image seen so far is equally likely to be
     * in the reservoir.
     *
     * @param chw   the image as uint8 CHW bytes, {@code imageBytes} long; copied
     * @param label the image's label, or {@code null}
     * @throws IllegalArgumentException if {@code chw} has the wrong length
     */
    public void offer(byte[] chw, String label) {
        Objects.requireNonNull(chw, "chw");
        if (chw.length != imageBytes) {
            throw new IllegalArgumentException("image has " + chw.length + " bytes, the reservoir holds images of "
                    + imageBytes + " bytes");
        }
        offer(chw, 0, label);
    }

    /**
     * {@link #offer(byte[], String)} for the image at {@code source[offset .. offset + imageBytes)}, e.g. one image
     * of a batch, without copying it out first.
     *
     * @param source holds the image as uint8 CHW bytes; copied
     * @param offset where in {@code source} the image starts
     * @param label  the image's label, or {@code null}
     * @throws IndexOutOfBoundsException if the image does not lie within {@code source}
     */
    public void offer(byte[] source, int offset, String label) {
        Objects.requireNonNull(source, "source");
        Objects.checkFromIndexSize(offset, imageBytes, source.length);
        seen++;
        if (size < capacity) {
            ensureSlots(size + 1);
            store(size, source, offset, label);
            size++;
        } else {
            long j = rng.nextLong(seen);
            if (j < capacity) {
                store((int) j, source, offset, label);
            }
        }
    }

    /**
     * Draws {@code n} images uniformly at random with replacement and writes their pixels, scaled to
     * {@code [0, 1]} as {@code (byte & 0xFF) / 255f}, one image after the other.
     *
     * @param n             how many images to draw, may exceed {@link #size()}
     * @param out           receives {@code n * imageBytes} floats
     * @param offsetFloats  where in {@code out} the first image starts
     * @param labelsOut     receives the {@code n} labels, or {@code null} to skip them
     * @param labelsOffset  where in {@code labelsOut} the first label goes
     * @return {@code n}
     * @throws IllegalStateException    if the reservoir is empty
     * @throws IllegalArgumentException if {@code n} is negative or an output array is too small
     */
    public int sample(int n, float[] out, int offsetFloats, String[] labelsOut, int labelsOffset) {
        Objects.requireNonNull(out, "out");
        if (size == 0) {
            throw new IllegalStateException("cannot sample from an empty rehearsal reservoir");
        }
        if (n < 0) {
            throw new IllegalArgumentException("n must not be negative, got " + n);
        }
        long floats = (long) n * imageBytes;
        if (offsetFloats < 0 || offsetFloats + floats > out.length) {
            throw new IllegalArgumentException("out has " + out.length + " floats, " + n + " images of "
                    + imageBytes + " starting at " + offsetFloats + " need " + (offsetFloats + floats));
        }
        if (labelsOut != null && (labelsOffset < 0 || (long) labelsOffset + n > labelsOut.length)) {
            throw new IllegalArgumentException("labelsOut has " + labelsOut.length + " entries, " + n
                    + " labels starting at " + labelsOffset + " do not fit");
        }
        for (int i = 0; i < n; i++) {
            int slot = rng.nextInt(size);
            int src = slot * imageBytes;
            int dst = offsetFloats + i * imageBytes;
            for (int k = 0; k < imageBytes; k++) {
                out[dst + k] = UNIT_SCALE[pixels[src + k] & 0xFF];
            }
            if (labelsOut != null) {
                labelsOut[labelsOffset + i] = labels[slot];
            }
        }
        return n;
    }

    /**
     * The number of images held.
     *
     * @return between 0 and {@link #capacity()}
     */
    public int size() {
        return size;
    }

    /**
     * The effective capacity (see the constructor).
     *
     * @return the most images this reservoir holds
     */
    public int capacity() {
        return capacity;
    }

    /**
     * The number of images offered since the reservoir was created, including those offered before a save
     * it was loaded from.
     *
     * @return the count
     */
    public long seen() {
        return seen;
    }

    /**
     * The bytes of pixels held (not the size of the storage allocated for them).
     *
     * @return {@code size() * imageBytes}
     */
    public long bytesUsed() {
        return (long) size * imageBytes;
    }

    /**
     * The bytes of one image.
     *
     * @return {@code imageBytes}
     */
    public int imageBytes() {
        return imageBytes;
    }

    /**
     * Writes the reservoir to {@code dir} (created if missing): {@code images.npy} (uint8, shape
     * {@code [size, imageBytes]}) and {@code reservoir.json} ({@code capacity}, {@code image_bytes},
     * {@code seen}, {@code rng_state}, {@code labels}). Each file is written to a temporary name first and
     * then moved into place, so a crash never leaves a truncated file behind.
     *
     * @param dir the directory
     * @throws IOException if writing fails
     */
    public void save(Path dir) throws IOException {
        Files.createDirectories(dir);
        int used = size * imageBytes;
        // Once full, the storage is exactly size * imageBytes, so only a partly filled reservoir is copied.
        byte[] images = pixels.length == used ? pixels : Arrays.copyOf(pixels, used);
        Path imagesTmp = dir.resolve(IMAGES_FILE + ".tmp");
        Npy.writeUint8(imagesTmp, images, size, imageBytes);
        moveIntoPlace(imagesTmp, dir.resolve(IMAGES_FILE));

        ObjectNode state = JSON.createObjectNode();
        state.put("capacity", capacity);
        state.put("image_bytes", imageBytes);
        state.put("seen", seen);
        state.put("rng_state", rng.state());
        ArrayNode labelArray = state.putArray("labels");
        for (int i = 0; i < size; i++) {
            labelArray.add(labels[i]);
        }
        Path stateTmp = dir.resolve(STATE_FILE + ".tmp");
        JSON.writerWithDefaultPrettyPrinter().writeValue(stateTmp.toFile(), state);
        moveIntoPlace(stateTmp, dir.resolve(STATE_FILE));
    }

    /**
     * Restores a reservoir written by {@link #save}. With the same capacity and byte budget the result makes
     * exactly the same future offers and samples as the saved reservoir.
     *
     * <p>If the new effective capacity is smaller than the saved size, a uniformly random subset (drawn with
     * the saved generator) is kept; a uniform subset of a uniform sample is itself uniform, so sampling stays
     * unbiased. A larger capacity than the saved one is accepted, but while the reservoir refills every new
     * image is kept, so it over-represents the images offered after the load until it is full again.
     *
     * @param dir        the directory given to {@link #save}
     * @param capacity   the capacity of the restored reservoir (see the constructor)
     * @param maxBytes   its byte budget (see the constructor)
     * @param imageBytes the bytes of one image; must equal the saved value
     * @return the restored reservoir
     * @throws IllegalArgumentException if the saved image size differs or an argument is out of range
     * @throws IOException              if a file is missing, unreadable or inconsistent
     */
    public static RehearsalReservoir load(Path dir, int capacity, long maxBytes, int imageBytes) throws IOException {
        Path stateFile = dir.resolve(STATE_FILE);
        Path imagesFile = dir.resolve(IMAGES_FILE);
        JsonNode state = JSON.readTree(stateFile.toFile());
        if (state == null || !state.isObject()) {
            throw new IOException(stateFile + ": not a JSON object");
        }
        long savedImageBytes = requiredLong(state, "image_bytes", stateFile);
        if (savedImageBytes != imageBytes) {
            throw new IllegalArgumentException("the reservoir in " + dir + " holds images of " + savedImageBytes
                    + " bytes, but images of " + imageBytes + " bytes were requested");
        }
        long seen = requiredLong(state, "seen", stateFile);
        long rngState = requiredLong(state, "rng_state", stateFile);
        JsonNode labelArray = state.get("labels");
        if (labelArray == null || !labelArray.isArray()) {
            throw new IOException(stateFile + ": missing array 'labels'");
        }
        Npy.Uint8Array images = Npy.readUint8(imagesFile);
        int savedSize = labelArray.size();
        if (images.shape().length != 2 || images.shape()[0] != savedSize || images.shape()[1] != imageBytes) {
            throw new IOException(imagesFile + ": shape " + Arrays.toString(images.shape()) + " does not match ["
                    + savedSize + ", " + imageBytes + "] from " + stateFile);
        }
        if (seen < savedSize) {
            throw new IOException(stateFile + ": seen " + seen + " is less than the " + savedSize + " images held");
        }

        RehearsalReservoir r = new RehearsalReservoir(capacity, maxBytes, imageBytes, rngState);
        r.seen = seen;
        int[] order = new int[savedSize];
        for (int i = 0; i < savedSize; i++) {
            order[i] = i;
        }
        int keep = Math.min(savedSize, r.capacity);
        if (keep < savedSize) {
            // Partial Fisher-Yates: the first `keep` entries become a uniform random subset, in random order.
            for (int i = 0; i < keep; i++) {
                int j = i + r.rng.nextInt(savedSize - i);
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
        }
        r.ensureSlots(keep);
        for (int i = 0; i < keep; i++) {
            JsonNode label = labelArray.get(order[i]);
            r.store(i, images.data(), order[i] * imageBytes, label.isNull() ? null : label.asText());
        }
        r.size = keep;
        return r;
    }

    /** A copy of the image in a slot, for tests. */
    byte[] imageAt(int slot) {
        Objects.checkIndex(slot, size);
        return Arrays.copyOfRange(pixels, slot * imageBytes, (slot + 1) * imageBytes);
    }

    /** The label in a slot, for tests. */
    String labelAt(int slot) {
        Objects.checkIndex(slot, size);
        return labels[slot];
    }

    /** How many images the storage allocated so far can hold, for tests. */
    int allocatedSlots() {
        return labels.length;
    }

    private void store(int slot, byte[] source, int offset, String label) {
        System.arraycopy(source, offset, pixels, slot * imageBytes, imageBytes);
        labels[slot] = label;
    }

    /** Grows the storage to hold at least {@code slots} images, doubling but never past the capacity. */
    private void ensureSlots(int slots) {
        int have = labels.length;
        if (slots <= have) {
            return;
        }
        long grown = Math.max((long) have * 2, Math.max(1, FIRST_CHUNK_BYTES / imageBytes));
        int target = (int) Math.min(capacity, Math.max(slots, grown));
        pixels = Arrays.copyOf(pixels, target * imageBytes);
        labels = Arrays.copyOf(labels, target);
    }

    private static long requiredLong(JsonNode node, String field, Path file) throws IOException {
        JsonNode v = node.get(field);
        if (v == null || !v.isIntegralNumber() || !v.canConvertToLong()) {
            throw new IOException(file + ": missing or non-integer '" + field + "'");
        }
        return v.asLong();
    }

    private static void moveIntoPlace(Path tmp, Path target) throws IOException {
        try {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
