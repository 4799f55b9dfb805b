package io.vitsom.model.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads the binary versions of CIFAR-10 ({@code data_batch_1.bin .. data_batch_5.bin}, {@code test_batch.bin}:
 * records of 1 label byte + 3072 pixel bytes) and CIFAR-100 ({@code train.bin}, {@code test.bin}: coarse label
 * byte, fine label byte, 3072 pixel bytes; the fine label is used). Pixels are stored as 1024 red, 1024 green,
 * 1024 blue bytes of a 32x32 image, which already is the CHW order of {@link ImageSet}.
 *
 * <p>Class names come from {@code batches.meta.txt} (CIFAR-10) or {@code fine_label_names.txt} (CIFAR-100) when
 * present.
 */
public final class CifarBinaryReader {
    /** Pixel bytes per CIFAR image: 3 x 32 x 32. */
    public static final int IMAGE_BYTES = 3 * 32 * 32;

    /** The two CIFAR binary layouts. */
    public enum Variant {
        /** 1 label byte per record, 10 classes. */
        CIFAR10(1, 10, "batches.meta.txt"),
        /** Coarse and fine label bytes per record, 100 fine classes. */
        CIFAR100(2, 100, "fine_label_names.txt");

        private final int labelBytes;
        private final int classes;
        private final String namesFile;

        Variant(int labelBytes, int classes, String namesFile) {
            this.labelBytes = labelBytes;
            this.classes = classes;
            this.namesFile = namesFile;
        }

        /** Bytes per record: labels then pixels. */
        public int recordBytes() {
            return labelBytes + IMAGE_BYTES;
        }

        /** Number of (fine) classes. */
        public int classes() {
            return classes;
        }
    }

    private static final int CIFAR100_COARSE_CLASSES = 20;

    private CifarBinaryReader() {
    }

    /**
     * The variant of the CIFAR binary files directly inside {@code dir}, if any: {@code train.bin} means CIFAR-100,
     * {@code data_batch_1.bin} means CIFAR-10.
     */
    public static Optional<Variant> detect(Path dir) {
        if (Files.isRegularFile(dir.resolve("train.bin"))) {
            return Optional.of(Variant.CIFAR100);
        }
        if (Files.isRegularFile(dir.resolve("data_batch_1.bin"))) {
            return Optional.of(Variant.CIFAR10);
        }
        return Optional.empty();
    }

    /**
     * Reads the CIFAR-10 or CIFAR-100 binary files directly inside {@code dir}.
     *
     * @param name dataset name; the splits are called {@code name/train} and {@code name/test}
     * @throws DatasetFormatException when a file is truncated or holds an out-of-range label
     * @throws IOException when no CIFAR binary files are there, a training batch is missing, or reading fails
     */
    public static Splits read(Path dir, String name) throws IOException {
        Variant variant = detect(dir).orElseThrow(() -> new IOException(
                "no CIFAR binary files in " + dir + ": expected data_batch_1.bin (CIFAR-10) or train.bin (CIFAR-100)"));
        List<String> classNames = readClassNames(dir.resolve(variant.namesFile), variant);
        List<Path> train = new ArrayList<>();
        Path test;
        if (variant == Variant.CIFAR100) {
            train.add(dir.resolve("train.bin"));
            test = dir.resolve("test.bin");
        } else {
            for (int i = 1; Files.isRegularFile(dir.resolve("data_batch_" + i + ".bin")); i++) {
                train.add(dir.resolve("data_batch_" + i + ".bin"));
            }
            // A gap would silently drop a fifth of the training data.
            Path next = dir.resolve("data_batch_" + (train.size() + 2) + ".bin");
            if (Files.exists(next)) {
                throw new IOException("data_batch_" + (train.size() + 1) + ".bin is missing in " + dir
                        + " although " + next.getFileName() + " exists");
            }
            test = dir.resolve("test_batch.bin");
        }
        ImageSet trainSet = readBatches(train, variant, classNames, name + "/train");
        Optional<ImageSet> testSet = Files.isRegularFile(test)
                ? Optional.of(readBatches(List.of(test), variant, classNames, name + "/test"))
                : Optional.empty();
        return new Splits(name, trainSet, testSet);
    }

    /**
     * Reads and concatenates batch files of one variant.
     *
     * @param classNames class names by label, or empty
     * @param name name of the resulting set
     */
    public static ImageSet readBatches(List<Path> files, Variant variant, List<String> classNames, String name)
            throws IOException {
        int record = variant.recordBytes();
        long total = 0;
        for (Path file : files) {
            long size = Files.size(file);
            // Checked before reading so that a cut-off download fails fast, with the exact offset.
            if (size == 0 || size % record != 0) {
                throw new DatasetFormatException(DatasetFormatException.displayName(file), size, "truncated",
                        size == 0 ? "empty file, expected records of " + record + " bytes"
                                : "record " + size / record + " has " + size % record + " of " + record + " bytes");
            }
            total += size / record;
        }
        if (total * IMAGE_BYTES > Integer.MAX_VALUE - 8) {
            throw new IOException(total + " CIFAR images do not fit in one array");
        }
        int count = (int) total;
        byte[] pixels = new byte[count * IMAGE_BYTES];
        int[] labels = new int[count];
        int index = 0;
        for (Path file : files) {
            index = readFile(file, variant, pixels, labels, index);
        }
        return new ImageSet(name, 3, 32, 32, pixels, labels, classNames);
    }

    private static int readFile(Path file, Variant variant, byte[] pixels, int[] labels, int start)
            throws IOException {
        String displayName = DatasetFormatException.displayName(file);
        int records = (int) (Files.size(file) / variant.recordBytes());
        byte[] labelBytes = new byte[variant.labelBytes];
        long offset = 0;
        try (InputStream raw = Files.newInputStream(file);
                DataInputStream in = new DataInputStream(new BufferedInputStream(raw, 1 << 16))) {
            for (int r = 0; r < records; r++) {
                in.readFully(labelBytes);
                if (variant == Variant.CIFAR100 && (labelBytes[0] & 0xFF) >= CIFAR100_COARSE_CLASSES) {
                    throw new DatasetFormatException(displayName, offset, "coarse label " + (labelBytes[0] & 0xFF)
                            + " out of range", "CIFAR-100 has " + CIFAR100_COARSE_CLASSES + " coarse classes");
                }
                int label = labelBytes[variant.labelBytes - 1] & 0xFF;
                if (label >= variant.classes) {
                    throw new DatasetFormatException(displayName, offset + variant.labelBytes - 1,
                            "label " + label + " out of range", "expected 0.." + (variant.classes - 1));
                }
                labels[start + r] = label;
                in.readFully(pixels, (start + r) * IMAGE_BYTES, IMAGE_BYTES);
                offset += variant.recordBytes();
            }
        } catch (EOFException e) {
            // The size was checked above, so only a file shrinking while we read gets here.
            throw new DatasetFormatException(displayName, offset, "truncated while reading", null, e);
        }
        return start + records;
    }

    private static List<String> readClassNames(Path file, Variant variant) throws IOException {
        if (!Files.isRegularFile(file)) {
            return List.of();
        }
        List<String> names = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (!line.isBlank()) {
                names.add(line.strip());
            }
        }
        if (names.size() != variant.classes) {
            throw new DatasetFormatException(DatasetFormatException.displayName(file), Files.size(file),
                    names.size() + " class names found", "expected " + variant.classes);
        }
        return names;
    }
}
