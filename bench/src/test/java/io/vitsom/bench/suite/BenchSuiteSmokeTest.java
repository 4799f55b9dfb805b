package io.vitsom.bench.suite;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.vitsom.bench.SyntheticIdx;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** End to end on tiny synthetic data sets (8x8 IDX "mnist", 8x8 RGB "cifar-10-jpg") with tiny configs: every row. */
class BenchSuiteSmokeTest {
    static final String TINY = """
            hyperparameters:
              model_arch: vit_som
              total_epochs: 2
              batch_size: 16
              gamma: 0.005
              som: {map_size: [4, 4], Tmax: 2, Tmin: 0.1, distance_fcn: cosine, topology: square, use_reduced: false}
              vit: {patch_size: 2, emb_dim: 8, depth: 1, dec_emb_dim: 4, dec_depth: 1, heads: 2, mlp_ratio: 4,
                    qkv_bias: true, qk_norm: false, proj_drop: 0.0, attn_drop: 0.0, drop_path: 0.1, global_pool: false}
              optimizer: {type: adamw, lr: 0.01, min_lr: 0.00001, beta_1: 0.9, beta_2: 0.999,
                          scheduler: cosine_annealing, warmup_epochs: 1, weight_decay: 0.05, layer_decay: 0.75,
                          smoothing: 0.1}
            data: {dataset: synthetic, num_classes: 0, num_channels: 1, input_size: 8}
            """;

    /** A tiny 3x8x8, 3-class classification config with the CIFAR augmentation section. */
    static final String TINY_CLS = TINY.replace("data: {dataset: synthetic, num_classes: 0, num_channels: 1, input_size: 8}",
            """
            data:
              dataset: synthetic
              num_classes: 3
              num_channels: 3
              input_size: 8
              augment: {horizontal_flip: 0.5, randaug_n: 2, resize_scale: [0.08, 1.0], resize_ratio: [0.75, 1.3333],
                        reprob: 0.25, remode: pixel, recount: 1, autoaugment: true}
            """);

    /** PNG folders {@code split/<class>/i.png} of 3 classes: a bright red, green or blue channel, with noise. */
    static void writePngs(Path root, String split, int n, long seed) throws IOException {
        Random random = new Random(seed);
        for (int i = 0; i < n; i++) {
            int label = i % 3;
            Path dir = Files.createDirectories(root.resolve(split).resolve("c" + label));
            BufferedImage img = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < 8; y++) {
                for (int x = 0; x < 8; x++) {
                    int rgb = 0;
                    for (int c = 0; c < 3; c++) {
                        rgb = (rgb << 8) | ((c == label ? 190 : 30) + random.nextInt(60));
                    }
                    img.setRGB(x, y, rgb);
                }
            }
            ImageIO.write(img, "png", dir.resolve(String.format("%04d.png", i)).toFile());
        }
    }

    @Test
    void runsEveryWiredClusteringModelWithinTheWallTimeOfItsBudgetAndWritesTheSuiteFiles(@TempDir Path tmp)
            throws Exception {
        Path mnist = Files.createDirectories(tmp.resolve("data/mnist"));
        SyntheticIdx.write(mnist, "train", 64, 1);
        SyntheticIdx.write(mnist, "t10k", 32, 2);
        Path configs = Files.createDirectories(tmp.resolve("configs"));
        Files.writeString(configs.resolve("vit_som_mnist.yaml"), TINY);
        Files.writeString(configs.resolve("vit_som_mnist_24.yaml"), TINY);
        Path out = tmp.resolve("out");

        // Two minutes of wall time in all: calibration leaves each of the 8 cells several seconds, more than one
        // epoch and the evaluation of any of them needs; DESOM, whose reference training on 48 images is thousands
        // of epochs, trains for the rest of its share, so the test takes about the budget.
        int rc = new CommandLine(new BenchSuiteCommand()).execute("--suite", "clustering", "--data-root",
                tmp.resolve("data").toString(), "--configs", configs.toString(), "--budget-minutes", "2",
                "--limit", "48", "--seed", "3", "--out", out.toString());

        assertThat(rc).isZero();
        JsonNode root = SuiteReport.JSON.readTree(out.resolve("suite.json").toFile());
        assertThat(root.get("failed")).isEmpty();
        // The tiny configs' maps are 4x4, so the ViT-SOM-sized baselines are som_4 and desom_4. On a busy machine a
        // cell can overrun its plan and leave a later one too little time: every row ran, or was skipped for the
        // budget with the reason; the Kohonen SOM's rows need milliseconds and always run.
        List<String> rows = List.of("vit_som", "vit_som_24", "som", "som_4", "desom", "desom_24", "desom_4",
                "som_vae");
        List<String> ran = new ArrayList<>();
        root.get("runs").forEach(r -> ran.add(r.get("model").asText()));
        List<String> expected = new ArrayList<>();
        for (String row : rows) {
            if (ran.contains(row)) {
                expected.add(row);
                if (row.equals("vit_som")) {
                    expected.add("kmeans_latent");
                }
            } else {
                assertThat(root.get("skipped")).as(row).anySatisfy(skip -> {
                    assertThat(skip.get("model").asText()).isEqualTo(row);
                    assertThat(skip.get("reason").asText()).startsWith("budget:");
                });
            }
        }
        assertThat(ran).containsExactlyElementsOf(expected).contains("som", "som_4");
        for (JsonNode run : root.get("runs")) {
            assertThat(run.get("dataset").asText()).isEqualTo("mnist");
            assertThat(run.get("seed").asLong()).isEqualTo(3);
            // A few seconds per run: at least one epoch, at most the reference budget (the config's total_epochs,
            // 2, for ViT-SOM and the Kohonen SOM; 20 for SOM-VAE; 200 + joint for DESOM).
            String model = run.get("model").asText();
            assertThat(run.get("epochs").asInt()).isBetween(1, model.startsWith("desom") ? 10_000
                    : model.equals("som_vae") ? 20 : 2);
            assertThat(run.get("calibrated_images_per_second").asDouble()).isPositive();
            if (!model.equals("kmeans_latent")) {
                // Every trained cell was planned after its calibration, and says what it planned and took.
                JsonNode budget = run.get("budget");
                assertThat(budget.get("planned_train_seconds").asDouble()).as(model).isPositive();
                assertThat(budget.get("planned_eval_seconds").asDouble()).as(model).isPositive();
                assertThat(budget.get("actual_seconds").asDouble()).as(model).isPositive();
                assertThat(budget.get("calibration_seconds").asDouble()).as(model).isPositive();
                // 32 test images: always evaluated in full.
                assertThat(budget.get("eval_limit").isNull()).as(model).isTrue();
            }
            assertThat(run.get("metrics").get("purity_test").asDouble()).isBetween(0.5, 1.0);
            assertThat(Path.of(run.get("out").asText()).resolve("results.json")).exists();
            if (!run.get("model").asText().equals("kmeans_latent")) {
                assertThat(Path.of(run.get("out").asText()).resolve("projection.png")).exists();
                // Ward grouping into 2 clusters and the neighbourhood metrics are measured for every map.
                assertThat(run.get("metrics").get("purity_k_classes").asDouble()).isBetween(0.5, 1.0);
                assertThat(run.get("metrics").get("trustworthiness").asDouble()).isBetween(0.0, 1.0);
                assertThat(run.get("metrics").get("topographic_error").asDouble()).isBetween(0.0, 1.0);
            }
        }
        for (JsonNode run : root.get("runs")) {
            if (run.get("model").asText().equals("vit_som")) {
                assertThat(run.get("metrics").get("purity_kmeans_latent").asDouble()).isBetween(0.5, 1.0);
            }
            if (!run.get("model").asText().equals("kmeans_latent")) {
                assertThat(run.get("metrics").get("neural_selectivity").asDouble()).isBetween(0.5, 1.0);
                assertThat(run.get("metrics").get("dead_units").asDouble()).isBetween(0.0, 63.0);
                assertThat(Path.of(run.get("out").asText()).resolve("winners.png")).exists();
            }
        }
        // The budget bounds the whole wall time (calibration, training, evaluation, pictures): the plan hands out 90%
        // of what is left before every cell, so the suite ends within the budget give or take a misestimate.
        JsonNode budget = root.get("budget");
        assertThat(budget.get("budget_seconds").asDouble()).isEqualTo(120.0);
        assertThat(budget.get("plan")).hasSize(8);
        assertThat(budget.get("calibration_seconds").asDouble()).isPositive();
        assertThat(budget.get("expected_seconds").asDouble()).isLessThanOrEqualTo(120.0);
        assertThat(budget.get("elapsed_seconds").asDouble()).isLessThan(120.0 * 1.25);
        // No url_som config here: its mnist cell is skipped, and CIFAR-10 (whose url_som row is clustering) is missing.
        assertThat(root.get("skipped")).extracting(s -> s.get("dataset").asText() + "/" + s.get("model").asText())
                .startsWith("mnist/url_som", "fashion-mnist/*", "usps/*", "cifar-10-jpg/url_som", "cifar-10/url_som");
        String md = Files.readString(out.resolve("suite.md"));
        assertThat(md).containsPattern("\\| som \\| [01]\\.\\d{3} ± \\d\\.\\d{3} \\([12] ep\\) / 0\\.711 ± 0\\.005 \\|")
                .contains("## Fair comparison across map sizes, and map quality")
                .contains("## Time budget");
        Map<String, String> rowPatterns = Map.of(
                "vit_som", "\\| vit_som \\| [01]\\.\\d{3} ± \\d\\.\\d{3} \\([12] ep\\) / 0\\.955 ± 0\\.001 \\|",
                "kmeans_latent", "\\| kmeans_latent \\| [01]\\.\\d{3} ± \\d\\.\\d{3} \\([12] ep\\) / - \\|",
                "desom", "\\| desom \\| [01]\\.\\d{3} ± \\d\\.\\d{3} \\(\\d+ ep\\) / 0\\.934 \\|",
                "som_vae", "\\| som_vae \\| [01]\\.\\d{3} ± \\d\\.\\d{3} \\(\\d+ ep\\) / 0\\.868 \\|");
        rowPatterns.forEach((row, pattern) -> {
            if (ran.contains(row)) {
                assertThat(md).as(row).containsPattern(pattern);
            }
        });
    }

    /** A tiny URL-SOM: a 4x4 map on a ResNet-8 of widths 4/8/8 over 8x8 gray images, 2 epochs. */
    static final String TINY_URL_SOM = CalibrationTest.TINY_URL_SOM.replace("batch_size: 32", "batch_size: 16");

    /** {@link #TINY_URL_SOM} on 8x8 RGB images, with the CIFAR-10 config's flip and colour augmentation. */
    static final String TINY_URL_SOM_RGB = TINY_URL_SOM
            .replace("color_jitter: [0.4, 0.4, 0.0, 0.0]", "color_jitter: [0.4, 0.4, 0.4, 0.4]")
            .replace("grayscale_p: 0.0", "grayscale_p: 0.5")
            .replace("num_channels: 1", "num_channels: 3");

    @Test
    void runsTheUrlSomRowOnMnistAndOnCifar10UnderTheClusteringSuite(@TempDir Path tmp) throws Exception {
        Path mnist = Files.createDirectories(tmp.resolve("data/mnist"));
        SyntheticIdx.write(mnist, "train", 64, 1);
        SyntheticIdx.write(mnist, "t10k", 32, 2);
        Path cifar = tmp.resolve("data/cifar-10-jpg");
        writePngs(cifar, "train", 48, 3);
        writePngs(cifar, "test", 15, 4);
        Path configs = Files.createDirectories(tmp.resolve("configs"));
        Files.writeString(configs.resolve("url_som_mnist.yaml"), TINY_URL_SOM);
        Files.writeString(configs.resolve("url_som_cifar-10.yaml"), TINY_URL_SOM_RGB);
        assertThat(TINY_URL_SOM_RGB).contains("[0.4, 0.4, 0.4, 0.4]", "grayscale_p: 0.5", "num_channels: 3");
        Path out = tmp.resolve("out");

        // Both cells train their config's 2 epochs at most, so the suite takes seconds, not its budget.
        int rc = new CommandLine(new BenchSuiteCommand()).execute("--suite", "clustering", "--models", "url_som",
                "--data-root", tmp.resolve("data").toString(), "--configs", configs.toString(), "--budget-minutes", "2",
                "--limit", "48", "--seed", "3", "--out", out.toString());

        assertThat(rc).isZero();
        JsonNode root = SuiteReport.JSON.readTree(out.resolve("suite.json").toFile());
        assertThat(root.get("failed")).isEmpty();
        assertThat(root.get("runs")).extracting(r -> r.get("dataset").asText() + "/" + r.get("model").asText() + "/"
                + r.get("task").asText()).containsExactly("mnist/url_som/clustering", "cifar-10-jpg/url_som/clustering");
        for (JsonNode run : root.get("runs")) {
            assertThat(run.get("epochs").asInt()).isBetween(1, 2);
            assertThat(run.get("calibrated_images_per_second").asDouble()).isPositive();
            assertThat(run.get("budget").get("calibration_seconds").asDouble()).isPositive();
            assertThat(run.get("metrics").get("purity_test").asDouble()).isBetween(0.0, 1.0);
            assertThat(run.get("metrics").get("neural_selectivity").asDouble()).isBetween(0.0, 1.0);
            assertThat(run.get("paper").isNull()).isTrue();
            assertThat(Path.of(run.get("out").asText()).resolve("results.json")).exists();
        }
        assertThat(root.get("runs").get(1).get("paper_neural_selectivity").asText()).isEqualTo("NS 0.703-0.733 (seed)");
        String md = Files.readString(out.resolve("suite.md"));
        // Fashion-MNIST and USPS are not there; CIFAR-10 has its column in the clustering table, with no paper purity.
        assertThat(md).containsPattern("\\| url_som \\| [01]\\.\\d{3} ± 0\\.000 \\([12] ep\\) / - \\| skipped "
                        + "\\| skipped \\| [01]\\.\\d{3} ± 0\\.000 \\([12] ep\\) / - \\|")
                .containsPattern("\\| url_som \\| cifar-10-jpg \\|.* / NS 0\\.703-0\\.733 \\(seed\\) \\|")
                .doesNotContain("## Classification");
    }

    @Test
    void runsTheClassificationCellOnExtractedCifarJpgFolders(@TempDir Path tmp) throws Exception {
        Path cifar = tmp.resolve("data/cifar-10-jpg");
        writePngs(cifar, "train", 40, 1);
        writePngs(cifar, "test", 15, 2);
        Path configs = Files.createDirectories(tmp.resolve("configs"));
        Files.writeString(configs.resolve("vit_som_cifar-10.yaml"), TINY_CLS);
        Files.writeString(configs.resolve("vit_cifar-10.yaml"), TINY_CLS.replace("model_arch: vit_som", "model_arch: vit"));
        Path out = tmp.resolve("out");

        int rc = new CommandLine(new BenchSuiteCommand()).execute("--suite", "classification", "--data-root",
                tmp.resolve("data").toString(), "--configs", configs.toString(), "--budget-minutes", "0.5",
                "--limit", "30", "--out", out.toString());

        assertThat(rc).isZero();
        JsonNode root = SuiteReport.JSON.readTree(out.resolve("suite.json").toFile());
        assertThat(root.get("runs")).extracting(r -> r.get("model").asText()).containsExactly("vit_som_cls", "vit");
        JsonNode run = root.get("runs").get(0);
        assertThat(run.get("model").asText()).isEqualTo("vit_som_cls");
        assertThat(run.get("dataset").asText()).isEqualTo("cifar-10-jpg");
        assertThat(run.get("epochs").asInt()).isBetween(1, 2);
        assertThat(run.get("metrics").get("accuracy").asDouble()).isBetween(0.0, 1.0);
        assertThat(run.get("paper").asText()).isEqualTo("0.920");
        assertThat(root.get("skipped")).extracting(s -> s.get("dataset").asText())
                .containsExactly("cifar-10", "cifar-100", "svhn", "flowers-17");
        assertThat(Files.readString(out.resolve("suite.md")))
                .containsPattern("\\| vit_som_cls \\| [01]\\.\\d{3} ± 0\\.000 \\([12] ep\\) / 0\\.920 \\|")
                .containsPattern("\\| vit \\| [01]\\.\\d{3} ± 0\\.000 \\([12] ep\\) / 0\\.901 \\|");
        // The plain ViT has no SOM: fewer parameters than ViT-SOM-cls on the same config.
        assertThat(root.get("runs").get(1).get("params").asLong()).isLessThan(run.get("params").asLong());
    }
}
