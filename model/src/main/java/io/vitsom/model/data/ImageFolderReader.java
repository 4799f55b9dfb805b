package io.vitsom.model.data;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.IntConsumer;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Reads folders of PNG/JPEG images with one sub-folder per class, as torchvision's {@code ImageFolder} does, from a
 * directory or straight from a {@code .tar.gz} archive of one.
 *
 * <p>Layouts: {@code train/<class>/<image>} with optional {@code test/<class>/<image>}, or {@code <class>/<image>}
 * (then there is only a train split). Inside an archive everything may sit under one top-level folder. Class names
 * are sorted and numbered 0..K-1, images are sorted by file name within a class and the classes take turns (the
 * first image of every class, then the second, ...), so a prefix of a set is balanced; test labels use the train
 * classes, so a class missing from one split cannot shift the labels of the other. Other files, other folders and
 * hidden entries are ignored. Every image must have the same channel count and size as the first one.
 */
public final class ImageFolderReader {
    private static final String TRAIN = "train";
    private static final String TEST = "test";

    private ImageFolderReader() {
    }

    /** Reads a directory or {@code .tar.gz} archive, named after the folder or the archive without extension. */
    public static Splits read(Path rootOrArchive, IntConsumer progressOrNull) throws IOException {
        return read(rootOrArchive, datasetName(rootOrArchive), progressOrNull);
    }

    /**
     * Reads a directory or {@code .tar.gz} archive of image folders.
     *
     * @param name dataset name; the splits are called {@code name/train} and {@code name/test}
     * @param progressOrNull called with the number of images decoded so far, after each image
     * @throws DatasetFormatException when the archive or an image is truncated or corrupt
     * @throws IOException when no images are found, images differ in shape, or reading fails
     */
    public static Splits read(Path rootOrArchive, String name, IntConsumer progressOrNull) throws IOException {
        if (!Files.exists(rootOrArchive)) {
            throw new IOException("image folder or archive does not exist: " + rootOrArchive.toAbsolutePath());
        }
        Map<String, Item> items = isArchive(rootOrArchive) ? listArchive(rootOrArchive) : listDirectory(rootOrArchive);
        boolean splitLayout = items.keySet().stream().anyMatch(k -> k.startsWith(TRAIN + "/") && depth(k) == 3);
        Map<String, Map<String, Item>> train = splitLayout ? group(items, TRAIN) : group(items, null);
        Map<String, Map<String, Item>> test = splitLayout ? group(items, TEST) : Map.of();
        if (train.isEmpty()) {
            throw new IOException("no images found in " + rootOrArchive + ": expected <class>/<image> or "
                    + "train/<class>/<image> (and test/<class>/<image>) with .png, .jpg or .jpeg images");
        }
        List<String> classNames = List.copyOf(train.keySet());
        for (String cls : test.keySet()) {
            if (!train.containsKey(cls)) {
                throw new IOException("class '" + cls + "' of the test split has no train images in "
                        + rootOrArchive + "; train classes are " + classNames);
            }
        }
        Decoder decoder = new Decoder(progressOrNull);
        ImageSet trainSet = decoder.decode(train, classNames, name + "/" + TRAIN);
        Optional<ImageSet> testSet = test.isEmpty()
                ? Optional.empty()
                : Optional.of(decoder.decode(test, classNames, name + "/" + TEST));
        return new Splits(name, trainSet, testSet);
    }

    /**
     * The shape ({@code "CxHxW"}) of the first training image of a folder or archive, in the order {@link #read}
     * takes them (the first image of an archive in archive order), decoding that one image only.
     */
    static String peekShape(Path rootOrArchive) throws IOException {
        if (isArchive(rootOrArchive)) {
            String archiveName = DatasetFormatException.displayName(rootOrArchive);
            try (InputStream file = new BufferedInputStream(Files.newInputStream(rootOrArchive), 1 << 16);
                    TarArchiveInputStream tar = new TarArchiveInputStream(new GZIPInputStream(file, 1 << 16))) {
                for (TarArchiveEntry entry = tar.getNextEntry(); entry != null; entry = tar.getNextEntry()) {
                    String rel = entry.getName().replaceFirst("^(\\./|/)+", "");
                    if (entry.isFile() && visible(rel) && isImageName(rel.substring(rel.lastIndexOf('/') + 1))
                            && entry.getSize() <= ImageLimits.DEFAULT.maxBytes()) {
                        return decodeFirst(archiveName + "!/" + entry.getName(),
                                tar.readNBytes((int) entry.getSize()));
                    }
                }
            }
            throw new IOException("no images found in " + rootOrArchive);
        }
        Map<String, Item> items = listDirectory(rootOrArchive);
        Map<String, Map<String, Item>> train = group(items, TRAIN);
        if (train.isEmpty()) {
            train = group(items, null);
        }
        for (Map<String, Item> images : train.values()) {
            for (Item item : images.values()) {
                return decodeFirst(item.displayName(), item.read());
            }
        }
        throw new IOException("no images found in " + rootOrArchive);
    }

    private static String decodeFirst(String name, byte[] bytes) throws IOException {
        try {
            return ImageCodec.decode(bytes).shape();
        } catch (ImageDecodeException e) {
            throw new DatasetFormatException(name, e.offset(), e.reason() + " image", e.getMessage(), e);
        }
    }

    /** Whether {@code path} names a gzip-compressed tar archive ({@code .tar.gz} or {@code .tgz}). */
    public static boolean isArchive(Path path) {
        String n = String.valueOf(path.getFileName()).toLowerCase(Locale.ROOT);
        return n.endsWith(".tar.gz") || n.endsWith(".tgz");
    }

    /** Whether a file name has an image extension this reader decodes. */
    public static boolean isImageName(String fileName) {
        String n = fileName.toLowerCase(Locale.ROOT);
        return !n.startsWith(".") && (n.endsWith(".png") || n.endsWith(".jpg") || n.endsWith(".jpeg"));
    }

    static String datasetName(Path path) {
        String n = String.valueOf(path.toAbsolutePath().normalize().getFileName());
        String lower = n.toLowerCase(Locale.ROOT);
        if (lower.endsWith(".tar.gz")) {
            return n.substring(0, n.length() - ".tar.gz".length());
        }
        return lower.endsWith(".tgz") ? n.substring(0, n.length() - ".tgz".length()) : n;
    }

    /** An image file: its name for messages and a way to get its bytes. */
    private record Item(String displayName, Path file, byte[] bytes) {
        byte[] read() throws IOException {
            if (bytes != null) {
                return bytes;
            }
            long size = Files.size(file);
            if (size > ImageLimits.DEFAULT.maxBytes()) {
                throw new DatasetFormatException(displayName, 0, ImageDecodeException.TOO_LARGE,
                        String.format(Locale.ROOT, "%,d bytes, above the limit of %,d bytes per image", size,
                                ImageLimits.DEFAULT.maxBytes()));
            }
            return Files.readAllBytes(file);
        }
    }

    /** Groups {@code [split/]class/image} paths as class -> image name -> item, both sorted. */
    private static Map<String, Map<String, Item>> group(Map<String, Item> items, String split) {
        int depth = split == null ? 2 : 3;
        Map<String, Map<String, Item>> classes = new TreeMap<>();
        for (Map.Entry<String, Item> e : items.entrySet()) {
            String[] parts = e.getKey().split("/");
            if (parts.length == depth && (split == null || parts[0].equals(split))) {
                classes.computeIfAbsent(parts[depth - 2], c -> new TreeMap<>()).put(parts[depth - 1], e.getValue());
            }
        }
        return classes;
    }

    private static Map<String, Item> listDirectory(Path root) throws IOException {
        Map<String, Item> items = new TreeMap<>();
        // Followed like torchvision's os.walk(followlinks=True): datasets are often assembled from symlinked folders.
        try (Stream<Path> files = Files.walk(root, 3, FileVisitOption.FOLLOW_LINKS)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                if (Files.isRegularFile(file) && isImageName(file.getFileName().toString())) {
                    String rel = root.relativize(file).toString().replace(file.getFileSystem().getSeparator(), "/");
                    if (visible(rel)) {
                        items.put(rel, new Item(DatasetFormatException.displayName(file), file, null));
                    }
                }
            }
        }
        return items;
    }

    /** Reads every image entry into memory in one pass: entries come in archive order, not sorted order. */
    private static Map<String, Item> listArchive(Path archive) throws IOException {
        String archiveName = DatasetFormatException.displayName(archive);
        try (InputStream file = new BufferedInputStream(Files.newInputStream(archive), 1 << 16)) {
            GZIPInputStream gz;
            try {
                gz = new GZIPInputStream(file, 1 << 16);
            } catch (EOFException | ZipException e) {
                throw new DatasetFormatException(archiveName, 0, "not a gzip file", e.getMessage(), e);
            }
            try (TarArchiveInputStream tar = new TarArchiveInputStream(gz)) {
                try {
                    return stripTopFolder(readEntries(tar, archiveName));
                } catch (DatasetFormatException e) {
                    throw e;
                } catch (IOException e) {
                    String problem = e instanceof EOFException ? "truncated archive"
                            : e instanceof ZipException ? "corrupt gzip data" : "corrupt tar archive";
                    throw new DatasetFormatException(archiveName, tar.getBytesRead(), problem,
                            "offset in the uncompressed tar; " + e.getMessage(), e);
                }
            }
        }
    }

    private static Map<String, Item> readEntries(TarArchiveInputStream tar, String archiveName) throws IOException {
        Map<String, Item> items = new TreeMap<>();
        long heap = Runtime.getRuntime().maxMemory();
        long held = 0;
        for (TarArchiveEntry entry = tar.getNextEntry(); entry != null; entry = tar.getNextEntry()) {
            String rel = entry.getName().replaceFirst("^(\\./|/)+", "");
            if (!entry.isFile() || !visible(rel) || !isImageName(rel.substring(rel.lastIndexOf('/') + 1))) {
                continue;
            }
            String display = archiveName + "!/" + entry.getName();
            // Entries are held in memory: one image is bounded like any untrusted image, the archive by the heap.
            if (entry.getSize() > ImageLimits.DEFAULT.maxBytes()) {
                throw new DatasetFormatException(display, 0, ImageDecodeException.TOO_LARGE,
                        String.format(Locale.ROOT, "%,d bytes, above the limit of %,d bytes per image",
                                entry.getSize(), ImageLimits.DEFAULT.maxBytes()));
            }
            held += entry.getSize();
            if (held > heap / 2) {
                throw new DatasetFormatException(display, 0, "archive too large for this heap",
                        String.format(Locale.ROOT, "its images reach %,d MiB, more than half of this JVM's %,d MiB "
                                + "heap; unpack it into a folder or raise the heap (VITSOM_JAVA_OPTS=-Xmx...)",
                                held >> 20, heap >> 20));
            }
            byte[] bytes = tar.readNBytes((int) entry.getSize());
            if (bytes.length != entry.getSize()) {
                throw new DatasetFormatException(display, bytes.length, "truncated",
                        "the archive says " + entry.getSize() + " bytes");
            }
            items.put(rel, new Item(display, null, bytes));
        }
        return items;
    }

    /**
     * Drops a single top-level folder shared by all entries ({@code cifar-10-jpg/train/cat/1.jpg}), unless it is a
     * split folder or would leave images outside any class folder.
     */
    private static Map<String, Item> stripTopFolder(Map<String, Item> items) {
        String top = null;
        for (String key : items.keySet()) {
            int slash = key.indexOf('/');
            String first = slash < 0 ? null : key.substring(0, slash);
            if (first == null || depth(key) < 3 || (top != null && !top.equals(first))) {
                return items;
            }
            top = first;
        }
        if (top == null || top.equals(TRAIN) || top.equals(TEST)) {
            return items;
        }
        Map<String, Item> stripped = new TreeMap<>();
        items.forEach((k, v) -> stripped.put(k.substring(k.indexOf('/') + 1), v));
        return stripped;
    }

    private static boolean visible(String relPath) {
        for (String part : relPath.split("/")) {
            // Dot files and macOS resource forks ("._x.jpg", "__MACOSX/") are not images of the dataset.
            if (part.startsWith(".") || part.equals("__MACOSX")) {
                return false;
            }
        }
        return true;
    }

    private static int depth(String relPath) {
        return relPath.split("/").length;
    }

    /** Decodes items into one pixel array, checking that all images share the first image's shape. */
    private static final class Decoder {
        private final IntConsumer progress;
        private int decoded;
        private DecodedImage first;
        private String firstName;

        Decoder(IntConsumer progress) {
            this.progress = progress;
        }

        ImageSet decode(Map<String, Map<String, Item>> classes, List<String> classNames, String name)
                throws IOException {
            int count = classes.values().stream().mapToInt(Map::size).sum();
            byte[] pixels = null;
            int[] labels = new int[count];
            int index = 0;
            for (Labelled labelled : interleaved(classes, classNames)) {
                DecodedImage image = decodeOne(labelled.item());
                if (pixels == null) {
                    long total = (long) count * image.chw().length;
                    if (total > Integer.MAX_VALUE - 8) {
                        throw new IOException(name + ": " + count + " images of " + image.shape()
                                + " do not fit in one array");
                    }
                    pixels = new byte[(int) total];
                }
                System.arraycopy(image.chw(), 0, pixels, index * image.chw().length, image.chw().length);
                labels[index++] = labelled.label();
                decoded++;
                if (progress != null) {
                    progress.accept(decoded);
                }
            }
            return new ImageSet(name, first.channels(), first.height(), first.width(), pixels, labels, classNames);
        }

        /**
         * The images class by class in turn (the first of every class, then the second, ...), so that any prefix of
         * the set (a benchmark's {@code --limit}, the start of a replay) holds every class in its share instead of
         * the first classes only, as the sorted folders would give.
         */
        private static List<Labelled> interleaved(Map<String, Map<String, Item>> classes, List<String> classNames) {
            List<List<Item>> perClass = new ArrayList<>();
            List<Integer> labels = new ArrayList<>();
            int longest = 0;
            for (Map.Entry<String, Map<String, Item>> cls : classes.entrySet()) {
                perClass.add(List.copyOf(cls.getValue().values()));
                labels.add(classNames.indexOf(cls.getKey()));
                longest = Math.max(longest, cls.getValue().size());
            }
            List<Labelled> out = new ArrayList<>();
            for (int i = 0; i < longest; i++) {
                for (int c = 0; c < perClass.size(); c++) {
                    if (i < perClass.get(c).size()) {
                        out.add(new Labelled(labels.get(c), perClass.get(c).get(i)));
                    }
                }
            }
            return out;
        }

        private record Labelled(int label, Item item) {
        }

        private DecodedImage decodeOne(Item item) throws IOException {
            DecodedImage image;
            try {
                image = ImageCodec.decode(item.read());
            } catch (ImageDecodeException e) {
                String problem = e.reason().equals(ImageDecodeException.TOO_LARGE) ? e.reason() : e.reason() + " image";
                throw new DatasetFormatException(item.displayName(), e.offset(), problem,
                        e.getMessage(), e);
            }
            if (first == null) {
                first = image;
                firstName = item.displayName();
            } else if (image.channels() != first.channels() || image.height() != first.height()
                    || image.width() != first.width()) {
                throw new IOException(item.displayName() + ": image is " + image.shape() + " but " + firstName
                        + " is " + first.shape() + "; all images of a dataset must have the same shape");
            }
            return image;
        }
    }
}
