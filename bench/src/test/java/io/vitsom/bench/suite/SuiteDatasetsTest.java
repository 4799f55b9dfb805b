package io.vitsom.bench.suite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vitsom.bench.suite.SuiteDatasets.Cell;
import io.vitsom.bench.suite.SuiteDatasets.Plan;
import io.vitsom.bench.suite.SuiteDatasets.Skipped;
import io.vitsom.bench.suite.SuiteDatasets.Task;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SuiteDatasetsTest {
    static Path configs(Path tmp, String... names) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("configs"));
        for (String n : names) {
            Files.writeString(dir.resolve(n), "# placeholder\n");
        }
        return dir;
    }

    static Path dataset(Path root, String name, String file) throws Exception {
        Path dir = Files.createDirectories(root.resolve(name));
        if (file != null) {
            Files.write(dir.resolve(file), new byte[] {1});
        }
        return dir;
    }

    private static String reason(Plan plan, String dataset, String model) {
        return plan.skipped().stream().filter(s -> s.dataset().equals(dataset) && s.model().equals(model))
                .map(Skipped::reason).findFirst().orElseThrow(() -> new AssertionError("no skip for " + dataset + "/" + model));
    }

    @Test
    void findsDatasetsByFolderNameAndPlansOneCellPerWiredModel(@TempDir Path tmp) throws Exception {
        Path root = Files.createDirectories(tmp.resolve("data"));
        Path mnist = dataset(root, "mnist", "train-images-idx3-ubyte");
        dataset(root, "usps", "train-images-idx3-ubyte");
        dataset(root, "fashion-mnist", null); // empty folder: treated as missing
        Path cifarJpg = dataset(root, "cifar-10-jpg", "cifar-10-jpg.tar.gz");
        dataset(root, "cifar-10", "data_batch_1.bin"); // same column as cifar-10-jpg
        dataset(root, "svhn", "x");
        Files.createDirectories(root.resolve("flowers-17/train/daisy"));
        Path configs = configs(tmp, "vit_som_mnist.yaml", "vit_som_mnist_24.yaml", "vit_som_usps.yaml",
                "vit_som_cifar-10.yaml");

        Plan plan = SuiteDatasets.discover(root, configs, SuiteDatasets.tasks("all"));

        assertThat(plan.cells()).extracting(c -> c.dataset() + "/" + c.model()).containsExactly(
                "mnist/vit_som", "mnist/vit_som_24", "mnist/som", "usps/vit_som", "usps/som", "cifar-10-jpg/vit_som_cls");
        Cell vit = plan.cells().get(0);
        assertThat(vit.data()).isEqualTo(mnist);
        assertThat(vit.config()).isEqualTo(configs.resolve("vit_som_mnist.yaml"));
        assertThat(plan.cells().get(1).config()).isEqualTo(configs.resolve("vit_som_mnist_24.yaml"));
        // The SOM baseline takes the 24x24 grid when that config exists (the paper's 451K SOM), else the 40x40 one.
        assertThat(plan.cells().get(2).config()).isEqualTo(configs.resolve("vit_som_mnist_24.yaml"));
        assertThat(plan.cells().get(4).config()).isEqualTo(configs.resolve("vit_som_usps.yaml"));
        // A folder holding only the JPEG tar.gz hands the loaders the archive itself.
        assertThat(plan.cells().get(5).data()).isEqualTo(cifarJpg.resolve("cifar-10-jpg.tar.gz"));
        assertThat(plan.cells()).allMatch(c -> c.task() == (c.model().equals("vit_som_cls") ? Task.CLASSIFICATION : Task.CLUSTERING));

        assertThat(reason(plan, "usps", "vit_som_24")).contains("no 24x24 config").contains("vit_som_usps_24.yaml");
        assertThat(reason(plan, "fashion-mnist", "*")).startsWith("not found");
        assertThat(reason(plan, "cifar-10", "*")).contains("same data as the cifar-10 column");
        assertThat(reason(plan, "cifar-100", "*")).startsWith("not found");
        assertThat(reason(plan, "svhn", "*")).startsWith("no config for svhn");
        assertThat(reason(plan, "flowers-17", "*")).startsWith("no config for flowers-17");
        assertThat(plan.skipped()).hasSize(6);
    }

    @Test
    void aPresentDatasetWhoseConfigFileIsMissingIsSkippedNotFailed(@TempDir Path tmp) throws Exception {
        Path root = Files.createDirectories(tmp.resolve("data"));
        dataset(root, "mnist", "x");
        dataset(root, "cifar-100", "x");
        Plan plan = SuiteDatasets.discover(root, configs(tmp), SuiteDatasets.tasks("clustering"));
        assertThat(plan.cells()).isEmpty();
        assertThat(reason(plan, "mnist", "*")).startsWith("config ").endsWith("vit_som_mnist.yaml not found");
        // --suite clustering looks at clustering datasets only.
        assertThat(plan.skipped()).allMatch(s -> s.task() == Task.CLUSTERING);
        assertThat(plan.skipped()).extracting(Skipped::dataset).containsExactly("mnist", "fashion-mnist", "usps");
    }

    @Test
    void extractedCifarJpgFoldersAreUsedAsTheyAre(@TempDir Path tmp) throws Exception {
        Path root = Files.createDirectories(tmp.resolve("data"));
        Path dir = Files.createDirectories(root.resolve("cifar-10-jpg/train/cat"));
        Files.write(root.resolve("cifar-10-jpg/cifar-10-jpg.tar.gz"), new byte[] {1});
        assertThat(SuiteDatasets.dataPath(root.resolve("cifar-10-jpg"))).contains(root.resolve("cifar-10-jpg"));
        assertThat(dir).exists();
    }

    @Test
    void badArgumentsSayWhatIsWrong(@TempDir Path tmp) {
        assertThatThrownBy(() -> SuiteDatasets.tasks("everything")).hasMessageContaining("--suite must be");
        assertThat(SuiteDatasets.tasks("ALL")).isEqualTo(Set.of(Task.CLUSTERING, Task.CLASSIFICATION));
        assertThatThrownBy(() -> SuiteDatasets.discover(tmp.resolve("nope"), tmp, SuiteDatasets.tasks("all")))
                .hasMessageContaining("is not a directory");
    }
}
