package io.vitsom.model.data;

import static io.vitsom.model.data.TestData.cifarRecords;
import static io.vitsom.model.data.TestData.pixel;
import static io.vitsom.model.data.TestData.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.InstanceOfAssertFactories.throwable;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CifarBinaryReaderTest {
    private static final String CIFAR10_NAMES =
            "airplane\nautomobile\nbird\ncat\ndeer\ndog\nfrog\nhorse\nship\ntruck\n\n";

    @TempDir
    Path dir;

    @Test
    void readsCifar10BatchesInNumericOrderWithClassNames() throws Exception {
        Path bin = dir.resolve("cifar-10-batches-bin");
        write(bin.resolve("data_batch_1.bin"), cifarRecords(1, 0, 3, 9));
        write(bin.resolve("data_batch_2.bin"), cifarRecords(1, 2, 0));
        write(bin.resolve("test_batch.bin"), cifarRecords(1, 10, 5));
        write(bin.resolve("batches.meta.txt"), CIFAR10_NAMES.getBytes(StandardCharsets.UTF_8));

        Splits splits = CifarBinaryReader.read(bin, "cifar10");

        ImageSet train = splits.train();
        assertThat(train.name()).isEqualTo("cifar10/train");
        assertThat(train.shape()).isEqualTo("3x32x32");
        assertThat(train.labels()).containsExactly(3, 9, 0);
        assertThat(train.classNames()).hasSize(10).startsWith("airplane", "automobile").endsWith("truck");
        // Image 2 comes from the second batch; R plane first, then G (offset 1024), then B.
        assertThat(train.image(2)[1024]).isEqualTo(pixel(2, 1024) / 255f);
        ImageSet test = splits.test().orElseThrow();
        assertThat(test.labels()).containsExactly(5);
        assertThat(test.pixels()[3071]).isEqualTo((byte) pixel(10, 3071));
    }

    @Test
    void readsCifar100FineLabelsAndFineClassNames() throws Exception {
        StringBuilder names = new StringBuilder();
        for (int i = 0; i < 100; i++) {
            names.append("class").append(i).append('\n');
        }
        write(dir.resolve("train.bin"), cifarRecords(2, 0, 42, 99, 7));
        write(dir.resolve("test.bin"), cifarRecords(2, 3, 58));
        write(dir.resolve("fine_label_names.txt"), names.toString().getBytes(StandardCharsets.UTF_8));

        Splits splits = CifarBinaryReader.read(dir, "cifar100");

        assertThat(splits.train().labels()).containsExactly(42, 99, 7);
        assertThat(splits.train().classNames()).hasSize(100).contains("class99");
        assertThat(splits.train().pixels()[3072 + 5]).isEqualTo((byte) pixel(1, 5));
        assertThat(splits.test().orElseThrow().labels()).containsExactly(58);
    }

    @Test
    void missingClassNameFileGivesEmptyClassNames() throws Exception {
        write(dir.resolve("data_batch_1.bin"), cifarRecords(1, 0, 1));

        Splits splits = CifarBinaryReader.read(dir, "c");

        assertThat(splits.train().classNames()).isEmpty();
        assertThat(splits.test()).isEmpty();
    }

    @Test
    void truncatedBatchNamesTheFileAndTheOffsetWhereDataEnds() throws Exception {
        byte[] records = cifarRecords(1, 0, 1, 2);
        Path batch = write(dir.resolve("cifar-10-batches-bin/data_batch_1.bin"), Arrays.copyOf(records, 3073 + 100));

        assertThatThrownBy(() -> CifarBinaryReader.read(batch.getParent(), "c"))
                .asInstanceOf(throwable(DatasetFormatException.class))
                .satisfies(e -> {
                    assertThat(e.file()).isEqualTo("cifar-10-batches-bin/data_batch_1.bin");
                    assertThat(e.offset()).isEqualTo(3173);
                })
                .hasMessage("cifar-10-batches-bin/data_batch_1.bin: truncated at byte offset 3173 "
                        + "(record 1 has 100 of 3073 bytes)");
    }

    @Test
    void outOfRangeLabelIsReportedAtItsOffset() throws Exception {
        write(dir.resolve("data_batch_1.bin"), cifarRecords(1, 0, 1, 10));

        assertThatThrownBy(() -> CifarBinaryReader.read(dir, "c"))
                .asInstanceOf(throwable(DatasetFormatException.class))
                .satisfies(e -> assertThat(e.offset()).isEqualTo(3073))
                .hasMessageContaining("label 10 out of range");
    }

    @Test
    void gapInTrainingBatchesIsAnError() throws Exception {
        write(dir.resolve("data_batch_1.bin"), cifarRecords(1, 0, 1));
        write(dir.resolve("data_batch_3.bin"), cifarRecords(1, 0, 1));

        assertThatThrownBy(() -> CifarBinaryReader.read(dir, "c"))
                .hasMessageContaining("data_batch_2.bin is missing");
    }
}
