package io.vitsom.bench.suite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vitsom.bench.MapSize;
import io.vitsom.bench.ModelKind;
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
            // The planner reads the clustering configs' map sizes, so these are the repository's own files.
            Files.copy(Path.of("../configs").resolve(n), dir.resolve(n));
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

    private static Cell cell(Plan plan, String dataset, String model) {
        return plan.cells().stream().filter(c -> c.dataset().equals(dataset) && c.model().equals(model)).findFirst()
                .orElseThrow(() -> new AssertionError("no cell " + dataset + "/" + model));
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
                "vit_som_cifar-10.yaml", "vit_cifar-10.yaml", "url_som_mnist.yaml", "url_som_cifar-10.yaml");

        Plan plan = SuiteDatasets.discover(root, configs, SuiteDatasets.tasks("all"));

        // A dataset's cells are consecutive (it is loaded once): its ViT-SOM rows, then url_som.
        assertThat(plan.cells()).extracting(c -> c.dataset() + "/" + c.model()).containsExactly(
                "mnist/vit_som", "mnist/vit_som_24", "mnist/som", "mnist/som_40", "mnist/desom", "mnist/desom_24",
                "mnist/desom_40", "mnist/som_vae", "mnist/url_som",
                "usps/vit_som", "usps/som", "usps/desom", "usps/desom_40", "usps/som_vae",
                "cifar-10-jpg/vit_som_cls", "cifar-10-jpg/vit", "cifar-10-jpg/url_som");
        Cell vit = plan.cells().get(0);
        assertThat(vit.data()).isEqualTo(mnist);
        assertThat(vit.config()).isEqualTo(configs.resolve("vit_som_mnist.yaml"));
        assertThat(vit.kind()).isEqualTo(ModelKind.VIT_SOM);
        assertThat(cell(plan, "mnist", "vit_som_24").config()).isEqualTo(configs.resolve("vit_som_mnist_24.yaml"));
        // The SOM baseline takes the 24x24 grid when that config exists (the paper's 451K SOM), else the 40x40 one;
        // som_40 and desom_24/desom_40 run the baselines at the ViT-SOM map sizes.
        assertThat(cell(plan, "mnist", "som").config()).isEqualTo(configs.resolve("vit_som_mnist_24.yaml"));
        assertThat(cell(plan, "mnist", "som_40").config()).isEqualTo(configs.resolve("vit_som_mnist.yaml"));
        assertThat(cell(plan, "mnist", "som").kind()).isEqualTo(ModelKind.SOM);
        assertThat(cell(plan, "mnist", "desom").map()).isNull();
        assertThat(cell(plan, "mnist", "desom_24").map()).isEqualTo(new MapSize(24, 24));
        assertThat(cell(plan, "mnist", "desom_40").map()).isEqualTo(new MapSize(40, 40));
        assertThat(cell(plan, "mnist", "som_vae").kind()).isEqualTo(ModelKind.SOM_VAE);
        assertThat(cell(plan, "usps", "som").config()).isEqualTo(configs.resolve("vit_som_usps.yaml"));
        // A folder holding only the JPEG tar.gz hands the loaders the archive itself.
        assertThat(cell(plan, "cifar-10-jpg", "vit_som_cls").data()).isEqualTo(cifarJpg.resolve("cifar-10-jpg.tar.gz"));
        assertThat(cell(plan, "cifar-10-jpg", "vit").config()).isEqualTo(configs.resolve("vit_cifar-10.yaml"));
        assertThat(plan.cells()).allMatch(c -> c.task() == (c.model().startsWith("vit_som_cls") || c.model().equals("vit")
                ? Task.CLASSIFICATION : Task.CLUSTERING));
        // url_som: the URL-SOM config of the dataset, a clustering cell also on CIFAR-10 (its JPEG archive).
        assertThat(cell(plan, "mnist", "url_som").config()).isEqualTo(configs.resolve("url_som_mnist.yaml"));
        assertThat(cell(plan, "mnist", "url_som").kind()).isEqualTo(ModelKind.URL_SOM);
        Cell cifarUrlSom = cell(plan, "cifar-10-jpg", "url_som");
        assertThat(cifarUrlSom.config()).isEqualTo(configs.resolve("url_som_cifar-10.yaml"));
        assertThat(cifarUrlSom.task()).isEqualTo(Task.CLUSTERING);
        assertThat(cifarUrlSom.kind()).isEqualTo(ModelKind.URL_SOM);
        assertThat(cifarUrlSom.data()).isEqualTo(cifarJpg.resolve("cifar-10-jpg.tar.gz"));
        assertThat(reason(plan, "usps", "url_som")).isEqualTo("config " + configs.resolve("url_som_usps.yaml")
                + " not found");

        // --models keeps those rows; kmeans_latent needs the vit_som run it is computed from.
        Plan some = SuiteDatasets.select(plan, Set.of("kmeans_latent", "desom"));
        assertThat(some.cells()).extracting(c -> c.dataset() + "/" + c.model()).containsExactly(
                "mnist/vit_som", "mnist/desom", "usps/vit_som", "usps/desom");
        assertThat(some.skipped()).noneMatch(s -> s.model().equals("vit_som_24"));

        assertThat(reason(plan, "usps", "vit_som_24")).contains("no 24x24 config").contains("vit_som_usps_24.yaml");
        assertThat(reason(plan, "fashion-mnist", "*")).startsWith("not found");
        assertThat(reason(plan, "cifar-10", "*")).contains("same data as the cifar-10 column");
        // The clustering table's cifar-10 column has its own entry for the url_som row.
        assertThat(reason(plan, "cifar-10", "url_som")).contains("same data as the cifar-10 column");
        assertThat(reason(plan, "cifar-100", "*")).startsWith("not found");
        assertThat(reason(plan, "svhn", "*")).startsWith("no config for svhn");
        assertThat(reason(plan, "flowers-17", "*")).startsWith("no config for flowers-17");
        assertThat(plan.skipped()).hasSize(8);
    }

    @Test
    void aPresentDatasetWhoseConfigFileIsMissingIsSkippedNotFailed(@TempDir Path tmp) throws Exception {
        Path root = Files.createDirectories(tmp.resolve("data"));
        dataset(root, "mnist", "x");
        dataset(root, "cifar-100", "x");
        Plan plan = SuiteDatasets.discover(root, configs(tmp), SuiteDatasets.tasks("clustering"));
        assertThat(plan.cells()).isEmpty();
        assertThat(reason(plan, "mnist", "*")).startsWith("config ").endsWith("vit_som_mnist.yaml not found");
        assertThat(reason(plan, "mnist", "url_som")).startsWith("config ").endsWith("url_som_mnist.yaml not found");
        // --suite clustering looks at clustering datasets, and at CIFAR-10 for its url_som row only.
        assertThat(plan.skipped()).allMatch(s -> s.task() == Task.CLUSTERING);
        assertThat(plan.skipped()).extracting(s -> s.dataset() + "/" + s.model()).containsExactly("mnist/*",
                "mnist/url_som", "fashion-mnist/*", "usps/*", "cifar-10-jpg/url_som", "cifar-10/url_som");
        assertThat(reason(plan, "cifar-10-jpg", "url_som")).startsWith("not found");
    }

    @Test
    void aClusteringSuitePlansCifar10sUrlSomCellAndAClassificationSuiteDoesNot(@TempDir Path tmp) throws Exception {
        Path root = Files.createDirectories(tmp.resolve("data"));
        Path cifar = dataset(root, "cifar-10-jpg", "cifar-10-jpg.tar.gz");
        Path configs = configs(tmp, "vit_som_cifar-10.yaml", "vit_cifar-10.yaml", "url_som_cifar-10.yaml");

        Plan clustering = SuiteDatasets.discover(root, configs, SuiteDatasets.tasks("clustering"));
        assertThat(clustering.cells()).containsExactly(new Cell("url_som", "cifar-10-jpg", Task.CLUSTERING,
                cifar.resolve("cifar-10-jpg.tar.gz"), configs.resolve("url_som_cifar-10.yaml"), ModelKind.URL_SOM,
                null));
        assertThat(clustering.skipped()).extracting(s -> s.dataset() + "/" + s.model()).containsExactly("mnist/*",
                "fashion-mnist/*", "usps/*", "cifar-10/url_som");

        Plan classification = SuiteDatasets.discover(root, configs, SuiteDatasets.tasks("classification"));
        assertThat(classification.cells()).extracting(Cell::model).containsExactly("vit_som_cls", "vit");
        assertThat(classification.skipped()).noneMatch(s -> s.model().equals("url_som"));

        // --models url_som keeps that row, and the skipped entries that name it or every row.
        Path mnist = dataset(root, "mnist", "x");
        Files.copy(Path.of("../configs/url_som_mnist.yaml"), configs.resolve("url_som_mnist.yaml"));
        Plan urlSomOnly = SuiteDatasets.select(SuiteDatasets.discover(root, configs, SuiteDatasets.tasks("all")),
                Set.of("url_som"));
        assertThat(urlSomOnly.cells()).extracting(c -> c.dataset() + "/" + c.model() + "/" + c.task().label())
                .containsExactly("mnist/url_som/clustering", "cifar-10-jpg/url_som/clustering");
        assertThat(urlSomOnly.cells().get(0).data()).isEqualTo(mnist);
        assertThat(urlSomOnly.skipped()).allMatch(s -> s.model().equals("*") || s.model().equals("url_som"));
        // The clustering table gets a cifar-10 column for it; the classification table is unchanged.
        assertThat(SuiteDatasets.columns(Task.CLUSTERING)).containsExactly("mnist", "fashion-mnist", "usps",
                "cifar-10");
        assertThat(SuiteDatasets.columns(Task.CLASSIFICATION)).containsExactly("cifar-10", "cifar-100", "svhn",
                "flowers-17");
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
