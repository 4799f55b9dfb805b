package io.vitsom.model.data;

import java.io.IOException;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.IntConsumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Loads a dataset from a directory by recognising its format, so that configs only name a folder.
 *
 * <p>Formats are tried in this order, and the first one present wins:
 * <ol>
 *   <li>IDX (MNIST, Fashion-MNIST): {@code train-images-idx3-ubyte[.gz]} with optional
 *       {@code train-labels-idx1-ubyte[.gz]}, {@code t10k-images-idx3-ubyte[.gz]}, {@code t10k-labels-idx1-ubyte[.gz]};
 *       the {@code train-images.idx3-ubyte} spelling is accepted too, and the raw file is preferred over the
 *       {@code .gz} one when both exist;</li>
 *   <li>CIFAR-10/100 binary files, in the directory or in one sub-folder such as {@code cifar-10-batches-bin/};</li>
 *   <li>one {@code .tar.gz}/{@code .tgz} archive of image folders in the directory;</li>
 *   <li>image folders ({@code <class>/<image>} or {@code train/<class>/<image>} and {@code test/...}).</li>
 * </ol>
 * The path may also be a {@code .tar.gz} archive itself. The dataset is named after the directory (or the archive
 * without its extension).
 */
public final class DatasetLoader {
    private static final int MAX_LISTED = 20;

    private DatasetLoader() {
    }

    /**
     * Loads the train and test splits found at {@code dir}.
     *
     * @param dir a dataset directory, or a {@code .tar.gz} archive of image folders
     * @param progressOrNull called with the number of images read so far
     * @throws NoSuchFileException when {@code dir} does not exist
     * @throws DatasetFormatException when a dataset file is truncated or corrupt
     * @throws IOException when no known format is found (the message lists what was looked for and what is there)
     */
    public static Splits load(Path dir, IntConsumer progressOrNull) throws IOException {
        IntConsumer progress = progressOrNull == null ? n -> { } : progressOrNull;
        String name = ImageFolderReader.datasetName(dir);
        Source source = locate(dir);
        switch (source.kind()) {
            case IDX -> {
                ImageSet train = IdxReader.read(source.path(), findIdx(dir, "train-labels", "idx1").orElse(null),
                        name + "/train");
                progress.accept(train.size());
                Optional<Path> testImages = findIdx(dir, "t10k-images", "idx3");
                Optional<ImageSet> test = Optional.empty();
                if (testImages.isPresent()) {
                    test = Optional.of(IdxReader.read(testImages.get(),
                            findIdx(dir, "t10k-labels", "idx1").orElse(null), name + "/test"));
                    progress.accept(train.size() + test.get().size());
                }
                return new Splits(name, train, test);
            }
            case CIFAR -> {
                Splits splits = CifarBinaryReader.read(source.path(), name);
                progress.accept(splits.train().size() + splits.test().map(ImageSet::size).orElse(0));
                return splits;
            }
            default -> {
                return ImageFolderReader.read(source.path(), name, progress);
            }
        }
    }

    /**
     * The shape of the images at {@code dir} ({@code "CxHxW"}), found without loading the dataset: the IDX header,
     * CIFAR's fixed 3x32x32, or the first image of an image folder or archive decoded. So a command can tell within a
     * second that a dataset does not fit a model, instead of after loading it and starting services.
     *
     * @throws IOException like {@link #load} when there is no dataset or its first file is damaged
     */
    public static String peekShape(Path dir) throws IOException {
        Source source = locate(dir);
        return switch (source.kind()) {
            case IDX -> IdxReader.peekShape(source.path());
            case CIFAR -> "3x32x32";
            case IMAGE_FOLDERS -> ImageFolderReader.peekShape(source.path());
        };
    }

    /** Where a dataset's training images are, and in which format. */
    private record Source(Kind kind, Path path) {
        enum Kind { IDX, CIFAR, IMAGE_FOLDERS }
    }

    /** The formats of the class comment, tried in order. */
    private static Source locate(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            throw new NoSuchFileException(dir.toString(), null,
                    "dataset directory does not exist (resolved to " + dir.toAbsolutePath().normalize() + ")");
        }
        if (!Files.isDirectory(dir)) {
            if (ImageFolderReader.isArchive(dir)) {
                return new Source(Source.Kind.IMAGE_FOLDERS, dir);
            }
            throw new IOException(dir + " is a file, but a dataset must be a directory or a .tar.gz archive");
        }
        Optional<Path> trainImages = findIdx(dir, "train-images", "idx3");
        if (trainImages.isPresent()) {
            return new Source(Source.Kind.IDX, trainImages.get());
        }
        Optional<Path> cifarDir = findCifarDir(dir);
        if (cifarDir.isPresent()) {
            return new Source(Source.Kind.CIFAR, cifarDir.get());
        }
        List<Path> archives = list(dir).stream()
                .filter(p -> Files.isRegularFile(p) && ImageFolderReader.isArchive(p))
                .collect(Collectors.toList());
        if (archives.size() > 1) {
            throw new IOException("several archives in " + dir + ", cannot tell which is the dataset: "
                    + names(archives));
        }
        if (archives.size() == 1) {
            return new Source(Source.Kind.IMAGE_FOLDERS, archives.get(0));
        }
        if (hasImageFolders(dir)) {
            return new Source(Source.Kind.IMAGE_FOLDERS, dir);
        }
        List<Path> found = list(dir);
        throw new IOException("no dataset recognised in " + dir + ". Looked for: IDX files "
                + "(train-images-idx3-ubyte[.gz], train-labels-idx1-ubyte[.gz], t10k-images-idx3-ubyte[.gz], "
                + "t10k-labels-idx1-ubyte[.gz]); CIFAR binary files (data_batch_1.bin or train.bin, here or one "
                + "folder down); a .tar.gz of image folders; image folders (<class>/<image> or "
                + "train/<class>/<image>, .png/.jpg/.jpeg). Found: "
                + (found.isEmpty() ? "nothing (empty directory)" : names(found)));
    }

    private static Optional<Path> findIdx(Path dir, String prefix, String kind) {
        for (String separator : List.of("-", ".")) {
            for (String suffix : List.of("", ".gz")) {
                Path p = dir.resolve(prefix + separator + kind + "-ubyte" + suffix);
                if (Files.isRegularFile(p)) {
                    return Optional.of(p);
                }
            }
        }
        return Optional.empty();
    }

    private static Optional<Path> findCifarDir(Path dir) throws IOException {
        if (CifarBinaryReader.detect(dir).isPresent()) {
            return Optional.of(dir);
        }
        List<Path> candidates = new ArrayList<>();
        for (Path sub : list(dir)) {
            if (Files.isDirectory(sub) && CifarBinaryReader.detect(sub).isPresent()) {
                candidates.add(sub);
            }
        }
        if (candidates.size() > 1) {
            throw new IOException("several CIFAR folders in " + dir + ", cannot tell which is the dataset: "
                    + names(candidates));
        }
        return candidates.stream().findFirst();
    }

    /** Whether any image sits at {@code <class>/<image>} or {@code <split>/<class>/<image>} depth. */
    private static boolean hasImageFolders(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir, 3, FileVisitOption.FOLLOW_LINKS)) {
            return files.anyMatch(p -> dir.relativize(p).getNameCount() >= 2 && Files.isRegularFile(p)
                    && ImageFolderReader.isImageName(p.getFileName().toString()));
        }
    }

    private static List<Path> list(Path dir) throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.sorted().collect(Collectors.toList());
        }
    }

    private static String names(List<Path> paths) {
        String shown = paths.stream().limit(MAX_LISTED)
                .map(p -> p.getFileName() + (Files.isDirectory(p) ? "/" : ""))
                .collect(Collectors.joining(", "));
        return paths.size() > MAX_LISTED ? shown + ", ... (" + paths.size() + " entries)" : shown;
    }
}
