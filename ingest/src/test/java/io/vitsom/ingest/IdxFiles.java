package io.vitsom.ingest;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes tiny IDX datasets (the MNIST file format), as the model module's TestData does. */
final class IdxFiles {
    private static final int IMAGES_MAGIC = 0x803;
    private static final int LABELS_MAGIC = 0x801;

    private IdxFiles() {
    }

    /** A deterministic pixel value for image {@code i}, offset {@code k} inside the image. */
    static int pixel(int i, int k) {
        return (i * 37 + k * 11) % 256;
    }

    /** Writes {@code <prefix>-images-idx3-ubyte} and {@code <prefix>-labels-idx1-ubyte} into {@code dir}. */
    static void write(Path dir, String prefix, int size, int... labels) throws IOException {
        Files.createDirectories(dir);
        ByteBuffer images = ByteBuffer.allocate(16 + labels.length * size * size);
        images.putInt(IMAGES_MAGIC).putInt(labels.length).putInt(size).putInt(size);
        for (int i = 0; i < labels.length; i++) {
            for (int k = 0; k < size * size; k++) {
                images.put((byte) pixel(i, k));
            }
        }
        Files.write(dir.resolve(prefix + "-images-idx3-ubyte"), images.array());
        ByteBuffer labelBytes = ByteBuffer.allocate(8 + labels.length);
        labelBytes.putInt(LABELS_MAGIC).putInt(labels.length);
        for (int label : labels) {
            labelBytes.put((byte) label);
        }
        Files.write(dir.resolve(prefix + "-labels-idx1-ubyte"), labelBytes.array());
    }
}
