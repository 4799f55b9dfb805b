package io.vitsom.model.data;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/** Writers for small synthetic dataset files. */
final class TestData {
    private TestData() {
    }

    /** A deterministic pixel value for image {@code i}, offset {@code k} inside the image. */
    static int pixel(int i, int k) {
        return (i * 37 + k * 11) % 256;
    }

    /** An IDX image file: magic 0x803, count, height, width, then {@link #pixel} values. */
    static byte[] idxImages(int count, int height, int width) {
        ByteBuffer b = ByteBuffer.allocate(16 + count * height * width);
        b.putInt(IdxReader.IMAGES_MAGIC).putInt(count).putInt(height).putInt(width);
        for (int i = 0; i < count; i++) {
            for (int k = 0; k < height * width; k++) {
                b.put((byte) pixel(i, k));
            }
        }
        return b.array();
    }

    /** An IDX label file: magic 0x801, count, then the labels. */
    static byte[] idxLabels(int... labels) {
        ByteBuffer b = ByteBuffer.allocate(8 + labels.length);
        b.putInt(IdxReader.LABELS_MAGIC).putInt(labels.length);
        for (int l : labels) {
            b.put((byte) l);
        }
        return b.array();
    }

    static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        }
        return out.toByteArray();
    }

    static Path write(Path file, byte[] data) throws IOException {
        Files.createDirectories(file.getParent());
        return Files.write(file, data);
    }

    /** A PNG whose every pixel of channel {@code c} is {@code base + c}. */
    static byte[] png(int channels, int height, int width, int base) {
        byte[] chw = new byte[channels * height * width];
        for (int i = 0; i < chw.length; i++) {
            chw[i] = (byte) (base + i / (height * width));
        }
        return ImageCodec.encodePng(channels, height, width, chw);
    }

    /** Writes a {@code .tar.gz} with the given entries, in the map's iteration order. */
    static Path tarGz(Path file, Map<String, byte[]> entries) throws IOException {
        Files.createDirectories(file.getParent());
        try (OutputStream out = Files.newOutputStream(file);
                TarArchiveOutputStream tar = new TarArchiveOutputStream(new GZIPOutputStream(out))) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                TarArchiveEntry entry = new TarArchiveEntry(e.getKey());
                entry.setSize(e.getValue().length);
                tar.putArchiveEntry(entry);
                tar.write(e.getValue());
                tar.closeArchiveEntry();
            }
        }
        return file;
    }

    /** CIFAR records: each label (or coarse/fine pair) then 3072 pixel bytes of value {@code pixel(i, k)}. */
    static byte[] cifarRecords(int labelBytes, int firstIndex, int... labels) {
        int record = labelBytes + CifarBinaryReader.IMAGE_BYTES;
        ByteBuffer b = ByteBuffer.allocate(labels.length * record);
        for (int r = 0; r < labels.length; r++) {
            if (labelBytes == 2) {
                b.put((byte) (labels[r] % 20));
            }
            b.put((byte) labels[r]);
            for (int k = 0; k < CifarBinaryReader.IMAGE_BYTES; k++) {
                b.put((byte) pixel(firstIndex + r, k));
            }
        }
        return b.array();
    }
}
