package io.vitsom.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/** The order in which a training epoch visits its images: shuffled with the run's seed, cut into batches. */
public final class EpochOrder {
    private EpochOrder() {
    }

    /** {@code 0, 1, ..., n-1}. */
    public static int[] identity(int n) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = i;
        }
        return a;
    }

    /** Fisher-Yates in place; the same {@code random} gives every model the same sequence of epochs. */
    public static void shuffle(int[] a, Random random) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    /** {@code order} cut into consecutive batches of {@code batchSize}, the last one possibly smaller. */
    public static List<int[]> batches(int[] order, int batchSize) {
        List<int[]> out = new ArrayList<>();
        for (int start = 0; start < order.length; start += batchSize) {
            out.add(Arrays.copyOfRange(order, start, Math.min(order.length, start + batchSize)));
        }
        return out;
    }
}
