package io.vitsom.bench.drift;

import io.vitsom.model.data.ImageSet;
import java.util.Random;

/**
 * An endless feed of one image set's pixels: the images in a seeded random order, then again in a new order, so
 * a stream longer than the set repeats it (as epochs would) without showing one image twice in a row of passes.
 */
final class ShuffledFeed {
    private final ImageSet set;
    private final Random random;
    private final int[] order;
    private int next;

    ShuffledFeed(ImageSet set, long seed) {
        if (set.size() == 0) {
            throw new IllegalArgumentException(set.name() + " has no images to stream");
        }
        this.set = set;
        this.random = new Random(seed);
        this.order = new int[set.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        shuffle();
    }

    /** Writes the next {@code count} images (uint8, CHW) into {@code out} from its start. */
    void next(int count, byte[] out) {
        int bytes = set.imageSize();
        for (int k = 0; k < count; k++) {
            if (next == order.length) {
                shuffle();
            }
            System.arraycopy(set.pixels(), order[next++] * bytes, out, k * bytes, bytes);
        }
    }

    private void shuffle() {
        for (int i = order.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        next = 0;
    }
}
