package io.vitsom.model.data;

import static io.vitsom.model.data.TestData.png;
import static io.vitsom.model.data.TestData.tarGz;
import static io.vitsom.model.data.TestData.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.InstanceOfAssertFactories.throwable;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageFolderReaderTest {
    @TempDir
    Path dir;

    /**
     * A small split layout, deliberately in unsorted order: the base value of each PNG encodes its class and
     * file so the expected order can be checked from the pixels.
     */
    private static Map<String, byte[]> splitLayout() {
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("train/dog/b.png", png(1, 3, 2, 31));
        files.put("train/dog/a.png", png(1, 3, 2, 30));
        files.put("train/cat/x.png", png(1, 3, 2, 20));
        files.put("train/bird/z.png", png(1, 3, 2, 10));
        files.put("test/dog/c.png", png(1, 3, 2, 32));
        files.put("test/bird/y.png", png(1, 3, 2, 11));
        return files;
    }

    private static void assertSplitLayout(Splits splits, String name) {
        assertThat(splits.name()).isEqualTo(name);
        ImageSet train = splits.train();
        assertThat(train.name()).isEqualTo(name + "/train");
        assertThat(train.classNames()).containsExactly("bird", "cat", "dog");
        assertThat(train.shape()).isEqualTo("1x3x2");
        assertThat(train.labels()).containsExactly(0, 1, 2, 2);
        assertThat(firstPixels(train)).containsExactly(10, 20, 30, 31);
        assertThat(train.image(3)[0]).isEqualTo(31 / 255f);
        ImageSet test = splits.test().orElseThrow();
        assertThat(test.classNames()).containsExactly("bird", "cat", "dog");
        // No cat in test: dog must still be label 2, as in train.
        assertThat(test.labels()).containsExactly(0, 2);
        assertThat(firstPixels(test)).containsExactly(11, 32);
    }

    private static List<Integer> firstPixels(ImageSet set) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < set.size(); i++) {
            out.add(set.pixels()[i * set.imageSize()] & 0xFF);
        }
        return out;
    }

    private void writeFiles(Path root, Map<String, byte[]> files) throws Exception {
        for (Map.Entry<String, byte[]> e : files.entrySet()) {
            write(root.resolve(e.getKey()), e.getValue());
        }
    }

    @Test
    void readsTrainAndTestFoldersWithSortedClassesAndFiles() throws Exception {
        writeFiles(dir.resolve("pets"), splitLayout());

        assertSplitLayout(ImageFolderReader.read(dir.resolve("pets"), null), "pets");
    }

    /** Sorted folders would put every bird first: a --limit of a few images would hold one class. */
    @Test
    void classesTakeTurnsSoThatAPrefixHoldsEveryClass() throws Exception {
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("bird/w.png", png(1, 3, 2, 9));
        files.put("bird/z.png", png(1, 3, 2, 10));
        files.put("bird/zz.png", png(1, 3, 2, 11));
        files.put("cat/x.png", png(1, 3, 2, 20));
        files.put("dog/a.png", png(1, 3, 2, 30));
        files.put("dog/b.png", png(1, 3, 2, 31));
        writeFiles(dir, files);
        ImageSet train = ImageFolderReader.read(dir, null).train();
        assertThat(train.labels()).containsExactly(0, 1, 2, 0, 2, 0);
        assertThat(firstPixels(train)).containsExactly(9, 20, 30, 10, 31, 11);
    }

    @Test
    void readsTarGzWithEverythingUnderOneTopLevelFolder() throws Exception {
        Map<String, byte[]> prefixed = new LinkedHashMap<>();
        splitLayout().forEach((k, v) -> prefixed.put("pets/" + k, v));
        Path archive = tarGz(dir.resolve("pets.tar.gz"), prefixed);

        assertSplitLayout(ImageFolderReader.read(archive, null), "pets");
    }

    @Test
    void readsTarGzWithSplitsAtTheTop() throws Exception {
        Path archive = tarGz(dir.resolve("pets.tgz"), splitLayout());

        assertSplitLayout(ImageFolderReader.read(archive, null), "pets");
    }

    @Test
    void classFoldersWithoutSplitsGiveOnlyATrainSplit() throws Exception {
        writeFiles(dir.resolve("flat"), Map.of("b/1.png", png(3, 2, 2, 5), "a/1.png", png(3, 2, 2, 7)));

        Splits splits = ImageFolderReader.read(dir.resolve("flat"), null);

        assertThat(splits.test()).isEmpty();
        assertThat(splits.train().shape()).isEqualTo("3x2x2");
        assertThat(splits.train().classNames()).containsExactly("a", "b");
        assertThat(splits.train().labels()).containsExactly(0, 1);
        // Channel planes: base, base + 1, base + 2.
        assertThat(splits.train().pixels()[4]).isEqualTo((byte) 8);
    }

    @Test
    void readsJpegFolders() throws Exception {
        BufferedImage image = new BufferedImage(4, 6, BufferedImage.TYPE_3BYTE_BGR);
        ByteArrayOutputStream jpeg = new ByteArrayOutputStream();
        ImageIO.write(image, "jpeg", jpeg);
        writeFiles(dir.resolve("j"), Map.of("x/1.jpg", jpeg.toByteArray(), "y/2.JPEG", jpeg.toByteArray()));

        ImageSet train = ImageFolderReader.read(dir.resolve("j"), null).train();

        assertThat(train.shape()).isEqualTo("3x6x4");
        assertThat(train.size()).isEqualTo(2);
    }

    @Test
    void hiddenAndNonImageFilesAreIgnored() throws Exception {
        writeFiles(dir.resolve("d"), Map.of("a/1.png", png(1, 2, 2, 1), "a/.2.png", new byte[] {1},
                "a/notes.txt", new byte[] {1}, "README.md", new byte[] {1}));

        assertThat(ImageFolderReader.read(dir.resolve("d"), null).train().size()).isEqualTo(1);
    }

    @Test
    void progressIsReportedForEveryImageAcrossSplits() throws Exception {
        writeFiles(dir.resolve("pets"), splitLayout());
        List<Integer> seen = new ArrayList<>();

        ImageFolderReader.read(dir.resolve("pets"), seen::add);

        assertThat(seen).containsExactly(1, 2, 3, 4, 5, 6);
    }

    @Test
    void imageOfDifferentShapeIsReportedByName() throws Exception {
        writeFiles(dir.resolve("d"), Map.of("a/1.png", png(1, 2, 2, 1), "b/2.png", png(3, 2, 2, 1)));

        assertThatThrownBy(() -> ImageFolderReader.read(dir.resolve("d"), null))
                .hasMessageContaining("b/2.png: image is 3x2x2 but a/1.png is 1x2x2");
    }

    @Test
    void truncatedImageInArchiveIsReportedWithEntryNameAndOffset() throws Exception {
        byte[] good = png(1, 8, 8, 3);
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("a/1.png", good);
        files.put("b/2.png", Arrays.copyOf(good, good.length - 12));
        Path archive = tarGz(dir.resolve("data/set.tar.gz"), files);

        assertThatThrownBy(() -> ImageFolderReader.read(archive, null))
                .asInstanceOf(throwable(DatasetFormatException.class))
                .satisfies(e -> {
                    assertThat(e.file()).isEqualTo("data/set.tar.gz!/b/2.png");
                    assertThat(e.offset()).isEqualTo(good.length - 12);
                })
                .hasMessageStartingWith("data/set.tar.gz!/b/2.png: truncated image at byte offset");
    }

    @Test
    void truncatedArchiveIsReportedWithOffset() throws Exception {
        Map<String, byte[]> files = new LinkedHashMap<>();
        Random random = new Random(1);
        for (int i = 0; i < 20; i++) {
            // Incompressible, so that half of the archive ends inside the entries.
            byte[] noise = new byte[4096];
            random.nextBytes(noise);
            files.put("c/" + i + ".png", noise);
        }
        Path archive = tarGz(dir.resolve("data/set.tar.gz"), files);
        byte[] bytes = Files.readAllBytes(archive);
        Files.write(archive, Arrays.copyOf(bytes, bytes.length / 2));

        assertThatThrownBy(() -> ImageFolderReader.read(archive, null))
                .asInstanceOf(throwable(DatasetFormatException.class))
                .satisfies(e -> {
                    assertThat(e.file()).isEqualTo("data/set.tar.gz");
                    assertThat(e.offset()).isPositive();
                })
                .hasMessageContaining("truncated");
    }

    @Test
    void fileThatIsNotGzipIsReportedAtOffsetZero() throws Exception {
        Path archive = write(dir.resolve("data/set.tar.gz"), new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12});

        assertThatThrownBy(() -> ImageFolderReader.read(archive, null))
                .asInstanceOf(throwable(DatasetFormatException.class))
                .satisfies(e -> assertThat(e.offset()).isZero())
                .hasMessageStartingWith("data/set.tar.gz: not a gzip file at byte offset 0");
    }

    @Test
    void folderWithoutImagesSaysWhatLayoutIsExpected() throws Exception {
        write(dir.resolve("empty/notes.txt"), new byte[] {1});

        assertThatThrownBy(() -> ImageFolderReader.read(dir.resolve("empty"), null))
                .hasMessageContaining("no images found")
                .hasMessageContaining("train/<class>/<image>");
    }
}
