package io.vitsom.model.data;

import static io.vitsom.model.data.TestData.gzip;
import static io.vitsom.model.data.TestData.idxImages;
import static io.vitsom.model.data.TestData.idxLabels;
import static io.vitsom.model.data.TestData.pixel;
import static io.vitsom.model.data.TestData.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.InstanceOfAssertFactories.throwable;

import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxReaderTest {
    @TempDir
    Path dir;

    @Test
    void readsGzippedNonSquareImagesWithLabelsAndScalesPixelsToUnitRange() throws Exception {
        Path images = write(dir.resolve("mnist/train-images-idx3-ubyte.gz"), gzip(idxImages(3, 5, 7)));
        Path labels = write(dir.resolve("mnist/train-labels-idx1-ubyte.gz"), gzip(idxLabels(2, 0, 9)));

        ImageSet set = IdxReader.read(images, labels, "mnist/train");

        assertThat(set.name()).isEqualTo("mnist/train");
        assertThat(set.size()).isEqualTo(3);
        assertThat(set.shape()).isEqualTo("1x5x7");
        assertThat(set.labels()).containsExactly(2, 0, 9);
        assertThat(set.classNames()).isEmpty();
        float[] second = set.image(1);
        assertThat(second).hasSize(35);
        for (int k = 0; k < 35; k++) {
            assertThat(second[k]).isEqualTo(pixel(1, k) / 255f);
        }
    }

    @Test
    void readsRawFilesExactlyLikeGzippedOnes() throws Exception {
        ImageSet raw = IdxReader.read(write(dir.resolve("raw/images"), idxImages(4, 7, 5)),
                write(dir.resolve("raw/labels"), idxLabels(1, 2, 3, 4)), "raw");
        ImageSet gz = IdxReader.read(write(dir.resolve("gz/images.gz"), gzip(idxImages(4, 7, 5))),
                write(dir.resolve("gz/labels.gz"), gzip(idxLabels(1, 2, 3, 4))), "gz");

        assertThat(raw.shape()).isEqualTo("1x7x5");
        assertThat(raw.pixels()).isEqualTo(gz.pixels());
        assertThat(raw.labels()).isEqualTo(gz.labels());
    }

    @Test
    void imagesWithoutLabelFileHaveUnknownLabels() throws Exception {
        ImageSet set = IdxReader.read(write(dir.resolve("images"), idxImages(2, 3, 3)), null, "unlabelled");

        assertThat(set.labels()).containsExactly(ImageSet.NO_LABEL, ImageSet.NO_LABEL);
        assertThat(set.fullyLabelled()).isFalse();
    }

    @Test
    void aGzipBombWithAnHonestHeaderIsRefusedFromTheHeaderBeforeInflating() throws Exception {
        // 10,000 images of 28x28 (7.5 MiB of zero pixels) deflate to a few KiB.
        byte[] header = Arrays.copyOf(idxImages(0, 28, 28), 16);
        java.nio.ByteBuffer.wrap(header).putInt(4, 10_000);
        byte[] inflated = Arrays.copyOf(header, 16 + 10_000 * 28 * 28);
        Path bomb = write(dir.resolve("bomb/train-images-idx3-ubyte.gz"), gzip(inflated));
        assertThat(java.nio.file.Files.size(bomb)).isLessThan(64 * 1024);

        assertThatThrownBy(() -> IdxReader.read(bomb, null, "x", 1 << 20))
                .isInstanceOf(DatasetFormatException.class)
                .hasMessageContaining("too many pixels for this heap")
                .hasMessageContaining("the header claims 10,000 images of 28x28 (7 MiB)");
    }

    @Test
    void aHeaderClaimingAMillionImagesOnATinyFileFailsAsTruncated() throws Exception {
        byte[] lying = idxImages(2, 28, 28);
        java.nio.ByteBuffer.wrap(lying).putInt(4, 1_000_000);
        Path images = write(dir.resolve("liar/train-images-idx3-ubyte"), lying);

        // The buffer grows with the bytes actually there, so the claim of 784 MB costs nothing.
        assertThatThrownBy(() -> IdxReader.read(images, null, "x", Long.MAX_VALUE))
                .isInstanceOf(DatasetFormatException.class)
                .hasMessageContaining("truncated at byte offset " + lying.length);
    }

    @Test
    void truncatedPixelDataNamesTheFileAndTheOffsetWhereDataEnds() throws Exception {
        byte[] full = idxImages(10, 5, 7);
        Path images = write(dir.resolve("mnist/train-images-idx3-ubyte.gz"), gzip(Arrays.copyOf(full, 100)));

        assertThatThrownBy(() -> IdxReader.read(images, null, "x"))
                .asInstanceOf(throwable(DatasetFormatException.class))
                .satisfies(e -> {
                    assertThat(e.file()).isEqualTo("mnist/train-images-idx3-ubyte.gz");
                    assertThat(e.offset()).isEqualTo(100);
                    assertThat(e).hasMessage("mnist/train-images-idx3-ubyte.gz: truncated at byte offset 100 "
                            + "(expected 350 bytes of pixel data from byte offset 16)");
                });
    }

    @Test
    void cutOffGzipStreamIsReportedAsTruncated() throws Exception {
        byte[] gz = gzip(idxImages(50, 5, 7));
        Path images = write(dir.resolve("d/images.gz"), Arrays.copyOf(gz, gz.length / 2));

        assertThatThrownBy(() -> IdxReader.read(images, null, "x"))
                .isInstanceOf(DatasetFormatException.class)
                .hasMessageStartingWith("d/images.gz: truncated")
                .hasMessageContaining("at byte offset");
    }

    @Test
    void wrongMagicIsReportedAtOffsetZero() throws Exception {
        Path labels = write(dir.resolve("d/train-labels-idx1-ubyte"), idxLabels(1, 2));

        assertThatThrownBy(() -> IdxReader.read(labels, null, "x"))
                .asInstanceOf(throwable(DatasetFormatException.class))
                .satisfies(e -> {
                    assertThat(e.offset()).isZero();
                    assertThat(e).hasMessageContaining("d/train-labels-idx1-ubyte: wrong magic number 0x00000801")
                            .hasMessageContaining("expected 0x00000803");
                });
    }

    @Test
    void emptyFileIsTruncatedAtOffsetZero() throws Exception {
        Path images = write(dir.resolve("d/images"), new byte[0]);

        assertThatThrownBy(() -> IdxReader.read(images, null, "x"))
                .asInstanceOf(throwable(DatasetFormatException.class))
                .satisfies(e -> assertThat(e.offset()).isZero())
                .hasMessageContaining("truncated");
    }

    @Test
    void labelCountDifferentFromImageCountIsRejected() throws Exception {
        Path images = write(dir.resolve("d/images"), idxImages(3, 2, 2));
        Path labels = write(dir.resolve("d/labels"), idxLabels(1, 2));

        assertThatThrownBy(() -> IdxReader.read(images, labels, "x"))
                .asInstanceOf(throwable(DatasetFormatException.class))
                .satisfies(e -> assertThat(e.offset()).isEqualTo(4))
                .hasMessageContaining("d/labels: label count 2 does not match")
                .hasMessageContaining("d/images has 3 images");
    }

    @Test
    void bytesAfterTheLastImageAreRejected() throws Exception {
        byte[] data = Arrays.copyOf(idxImages(2, 2, 2), 16 + 8 + 1);
        Path images = write(dir.resolve("d/images"), data);

        assertThatThrownBy(() -> IdxReader.read(images, null, "x"))
                .asInstanceOf(throwable(DatasetFormatException.class))
                .satisfies(e -> assertThat(e.offset()).isEqualTo(24))
                .hasMessageContaining("unexpected data");
    }
}
