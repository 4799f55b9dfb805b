package io.vitsom.model.data;

import static io.vitsom.model.data.TestData.cifarRecords;
import static io.vitsom.model.data.TestData.gzip;
import static io.vitsom.model.data.TestData.idxImages;
import static io.vitsom.model.data.TestData.idxLabels;
import static io.vitsom.model.data.TestData.png;
import static io.vitsom.model.data.TestData.tarGz;
import static io.vitsom.model.data.TestData.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetLoaderTest {
    @TempDir
    Path dir;

    @Test
    void recognisesGzippedIdxFilesAndNamesTheDatasetAfterTheFolder() throws Exception {
        Path mnist = dir.resolve("tiny-mnist");
        write(mnist.resolve("train-images-idx3-ubyte.gz"), gzip(idxImages(3, 5, 7)));
        write(mnist.resolve("train-labels-idx1-ubyte.gz"), gzip(idxLabels(1, 2, 3)));
        write(mnist.resolve("t10k-images-idx3-ubyte.gz"), gzip(idxImages(2, 5, 7)));
        write(mnist.resolve("t10k-labels-idx1-ubyte.gz"), gzip(idxLabels(4, 5)));

        Splits splits = DatasetLoader.load(mnist, null);

        assertThat(splits.name()).isEqualTo("tiny-mnist");
        assertThat(splits.train().name()).isEqualTo("tiny-mnist/train");
        assertThat(splits.train().labels()).containsExactly(1, 2, 3);
        assertThat(splits.test().orElseThrow().labels()).containsExactly(4, 5);
        assertThat(splits.test().orElseThrow().shape()).isEqualTo("1x5x7");
    }

    @Test
    void recognisesRawIdxTrainSetWithoutTestSet() throws Exception {
        write(dir.resolve("train-images-idx3-ubyte"), idxImages(2, 4, 4));
        write(dir.resolve("train-labels-idx1-ubyte"), idxLabels(0, 1));

        Splits splits = DatasetLoader.load(dir, null);

        assertThat(splits.train().size()).isEqualTo(2);
        assertThat(splits.test()).isEmpty();
    }

    @Test
    void recognisesCifarBinaryInASubFolder() throws Exception {
        Path bin = dir.resolve("cifar10/cifar-10-batches-bin");
        write(bin.resolve("data_batch_1.bin"), cifarRecords(1, 0, 4, 2));
        write(bin.resolve("test_batch.bin"), cifarRecords(1, 0, 7));

        Splits splits = DatasetLoader.load(dir.resolve("cifar10"), null);

        assertThat(splits.name()).isEqualTo("cifar10");
        assertThat(splits.train().labels()).containsExactly(4, 2);
        assertThat(splits.test().orElseThrow().labels()).containsExactly(7);
    }

    @Test
    void recognisesTarGzInsideTheFolderAndTheTarGzItself() throws Exception {
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("shapes/train/b/1.png", png(1, 2, 3, 9));
        files.put("shapes/train/a/1.png", png(1, 2, 3, 8));
        files.put("shapes/test/a/2.png", png(1, 2, 3, 7));
        Path archive = tarGz(dir.resolve("shapes/shapes.tar.gz"), files);

        Splits fromFolder = DatasetLoader.load(dir.resolve("shapes"), null);
        Splits fromArchive = DatasetLoader.load(archive, null);

        for (Splits splits : Arrays.asList(fromFolder, fromArchive)) {
            assertThat(splits.name()).isEqualTo("shapes");
            assertThat(splits.train().classNames()).containsExactly("a", "b");
            assertThat(splits.train().labels()).containsExactly(0, 1);
            assertThat(splits.test().orElseThrow().labels()).containsExactly(0);
        }
    }

    @Test
    void recognisesImageFolders() throws Exception {
        write(dir.resolve("faces/happy/1.png"), png(3, 4, 4, 1));
        write(dir.resolve("faces/sad/1.png"), png(3, 4, 4, 2));

        Splits splits = DatasetLoader.load(dir.resolve("faces"), null);

        assertThat(splits.train().classNames()).containsExactly("happy", "sad");
        assertThat(splits.train().shape()).isEqualTo("3x4x4");
    }

    @Test
    void unrecognisedFolderListsWhatWasLookedForAndWhatWasFound() throws Exception {
        write(dir.resolve("junk/notes.txt"), new byte[] {1});
        Files.createDirectories(dir.resolve("junk/sub"));

        assertThatThrownBy(() -> DatasetLoader.load(dir.resolve("junk"), null))
                .hasMessageContaining("no dataset recognised")
                .hasMessageContaining("train-images-idx3-ubyte[.gz]")
                .hasMessageContaining("data_batch_1.bin")
                .hasMessageContaining(".tar.gz")
                .hasMessageContaining("Found: notes.txt, sub/");
    }

    @Test
    void missingFolderIsReportedWithItsResolvedPath() {
        Path missing = dir.resolve("nope");

        assertThatThrownBy(() -> DatasetLoader.load(missing, null))
                .isInstanceOf(NoSuchFileException.class)
                .hasMessageContaining("dataset directory does not exist")
                .hasMessageContaining(missing.toAbsolutePath().toString());
    }

    @Test
    void corruptIdxFileIsReportedByTheLoader() throws Exception {
        byte[] images = idxImages(3, 5, 7);
        write(dir.resolve("train-images-idx3-ubyte"), Arrays.copyOf(images, images.length - 1));

        assertThatThrownBy(() -> DatasetLoader.load(dir, null))
                .isInstanceOf(DatasetFormatException.class)
                .hasMessageContaining("train-images-idx3-ubyte: truncated at byte offset " + (images.length - 1));
    }

    @Test
    void loadsTheRealMnistWhenItIsAvailable() throws Exception {
        Optional<Path> mnist = sharedDataset("mnist");
        Assumptions.assumeTrue(mnist.isPresent(),
                () -> "shared/datasets/mnist not found above " + Path.of("").toAbsolutePath());

        Splits splits = DatasetLoader.load(mnist.get(), null);

        assertThat(splits.name()).isEqualTo("mnist");
        assertThat(splits.train().size()).isEqualTo(60_000);
        assertThat(splits.train().shape()).isEqualTo("1x28x28");
        ImageSet test = splits.test().orElseThrow();
        assertThat(test.size()).isEqualTo(10_000);
        assertThat(test.shape()).isEqualTo("1x28x28");
        assertThat(splits.train().labels()).containsOnly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
        assertThat(test.labels()).containsOnly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
        assertThat(splits.train().labels()[0]).isEqualTo(5);
    }

    /** {@code shared/datasets/<name>} in the current directory or any directory above it (e.g. beside the repo). */
    static Optional<Path> sharedDataset(String name) {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path candidate = p.resolve("shared").resolve("datasets").resolve(name);
            if (Files.isDirectory(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }
}
