package io.vitsom.bench;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/** Small labelled IDX datasets the benchmark tests train on, in the layout of MNIST's files. */
public final class SyntheticIdx {
    private SyntheticIdx() {
    }

    /**
     * Writes {@code prefix-images-idx3-ubyte} and {@code prefix-labels-idx1-ubyte}: {@code n} images of
     * {@code size}x{@code size}, labels cycling through {@code classes} classes, each class a bright half (left,
     * right, top, bottom, then again) over noise, so that a map can separate them.
     */
    public static void write(Path dir, String prefix, int n, int classes, int size, long seed) throws IOException {
        Random random = new Random(seed);
        ByteArrayOutputStream images = new ByteArrayOutputStream();
        ByteArrayOutputStream labels = new ByteArrayOutputStream();
        try (DataOutputStream img = new DataOutputStream(images); DataOutputStream lab = new DataOutputStream(labels)) {
            img.writeInt(0x803);
            img.writeInt(n);
            img.writeInt(size);
            img.writeInt(size);
            lab.writeInt(0x801);
            lab.writeInt(n);
            for (int i = 0; i < n; i++) {
                int label = i % classes;
                lab.writeByte(label);
                for (int y = 0; y < size; y++) {
                    for (int x = 0; x < size; x++) {
                        boolean bright = switch (label % 4) {
                            case 0 -> x < size / 2;
                            case 1 -> x >= size / 2;
                            case 2 -> y < size / 2;
                            default -> y >= size / 2;
                        };
                        img.writeByte((bright ? 200 : 20) + random.nextInt(40));
                    }
                }
            }
        }
        Files.write(dir.resolve(prefix + "-images-idx3-ubyte"), images.toByteArray());
        Files.write(dir.resolve(prefix + "-labels-idx1-ubyte"), labels.toByteArray());
    }

    /** Two classes of 8x8 images (bright left or right half): the tiny set most benchmark tests use. */
    public static void write(Path dir, String prefix, int n, long seed) throws IOException {
        write(dir, prefix, n, 2, 8, seed);
    }
}
