package io.vitsom.bench.classify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.vitsom.bench.BenchCommand;
import io.vitsom.bench.EvalCommand;
import io.vitsom.model.config.ConfigLoader;
import io.vitsom.model.config.VitSomConfig;
import io.vitsom.model.data.ImageSet;
import io.vitsom.model.data.Splits;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import java.util.stream.IntStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ClassificationBenchTest {
    /** VitSomTrainerTest.tiny(3)'s model on 3x8x8 images, with the CIFAR augmentation section. */
    static final String TINY = """
            hyperparameters:
              model_arch: vit_som
              total_epochs: 2
              batch_size: 16
              gamma: 0.005
              som: {map_size: [4, 4], Tmax: 4, Tmin: 0.1, distance_fcn: cosine, topology: square, use_reduced: false}
              vit: {patch_size: 2, emb_dim: 8, depth: 1, dec_emb_dim: 4, dec_depth: 1, heads: 2, mlp_ratio: 4,
                    qkv_bias: true, qk_norm: false, proj_drop: 0.0, attn_drop: 0.0, drop_path: 0.1, global_pool: false}
              optimizer: {type: adamw, lr: 0.01, min_lr: 0.00001, beta_1: 0.9, beta_2: 0.999,
                          scheduler: cosine_annealing, warmup_epochs: 1, weight_decay: 0.05, layer_decay: 0.75,
                          smoothing: 0.1}
            data:
              dataset: synthetic
              num_classes: 3
              num_channels: 3
              input_size: 8
              augment: {horizontal_flip: 0.5, randaug_n: 2, resize_scale: [0.08, 1.0], resize_ratio: [0.75, 1.3333],
                        reprob: 0.25, remode: pixel, recount: 1, autoaugment: true}
            """;

    /** {@code n} 3x8x8 images of 3 classes (a bright red, green or blue channel, with noise); image i has label i % 3. */
    static ImageSet synthetic(String name, int n, long seed) {
        Random random = new Random(seed);
        byte[] pixels = new byte[n * 3 * 64];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % 3;
            for (int c = 0; c < 3; c++) {
                for (int p = 0; p < 64; p++) {
                    pixels[(i * 3 + c) * 64 + p] = (byte) ((c == labels[i] ? 190 : 30) + random.nextInt(60));
                }
            }
        }
        return new ImageSet(name, 3, 8, 8, pixels, labels, List.of("r", "g", "b"));
    }

    @Test
    void theEightyTwentySplitIsDeterministicAndDisjoint() {
        ImageSet source = synthetic("s", 50, 1);
        TrainValSplit a = TrainValSplit.of(source);
        TrainValSplit b = TrainValSplit.of(source);
        assertThat(a.trainIndices()).containsExactly(b.trainIndices());
        assertThat(a.validationIndices()).containsExactly(b.validationIndices());
        assertThat(a.train().size()).isEqualTo(40);
        assertThat(a.validation().size()).isEqualTo(10);
        Set<Integer> train = new HashSet<>();
        Arrays.stream(a.trainIndices()).forEach(train::add);
        Set<Integer> all = new HashSet<>(train);
        for (int v : a.validationIndices()) {
            assertThat(train).doesNotContain(v);
            all.add(v);
        }
        assertThat(all).hasSize(50);
        // Shuffled, not the first 40 images; subsets hold the source's pixels and labels.
        assertThat(a.trainIndices()).isNotEqualTo(IntStream.range(0, 40).toArray());
        int j = a.validationIndices()[3];
        assertThat(a.validation().image(3)).containsExactly(source.image(j));
        assertThat(a.validation().labels()[3]).isEqualTo(source.labels()[j]);
        // Another seed gives another cut.
        assertThat(TrainValSplit.of(source, 0.8, 1).trainIndices()).isNotEqualTo(a.trainIndices());
    }

    @Test
    void aLimitTakesASeededSampleOfAClassSortedSet() {
        // Image folders come sorted by class: the first 30 images would all be of class 0.
        ImageSet mixed = synthetic("s", 90, 1);
        int[] byClass = IntStream.range(0, 90).boxed()
                .sorted((x, y) -> Integer.compare(mixed.labels()[x], mixed.labels()[y]))
                .mapToInt(Integer::intValue).toArray();
        ImageSet sorted = TrainValSplit.subset(mixed, byClass, "sorted");
        TrainValSplit a = TrainValSplit.of(sorted, 30);
        assertThat(a.train().size()).isEqualTo(24);
        assertThat(a.validation().size()).isEqualTo(6);
        assertThat(Arrays.stream(a.train().labels()).distinct().count()).isEqualTo(3);
        assertThat(TrainValSplit.of(sorted, 30).trainIndices()).containsExactly(a.trainIndices());
        Set<Integer> seen = new HashSet<>();
        IntStream.concat(Arrays.stream(a.trainIndices()), Arrays.stream(a.validationIndices())).forEach(seen::add);
        assertThat(seen).hasSize(30);
    }

    @Test
    void standardViewsAugmentTrainingImagesOnlyAndEvaluateDeterministically() {
        VitSomConfig config = ConfigLoader.parse(TINY, "tiny");
        ImageViews views = ImageViews.of(config);
        ImageSet set = synthetic("s", 6, 2);
        int[] idx = {0, 1, 2, 3, 4, 5};
        float[] eval1 = views.evalBatch(set, idx);
        float[] eval2 = views.evalBatch(set, idx);
        assertThat(eval1).containsExactly(eval2).hasSize(6 * 3 * 64);
        RandomGenerator rng = new SplittableRandom(3);
        float[] train1 = views.trainBatch(set, idx, rng);
        float[] train2 = views.trainBatch(set, idx, rng);
        assertThat(train1).hasSize(eval1.length);
        assertThat(train1).isNotEqualTo(train2);
        assertThat(train1).isNotEqualTo(eval1);
        // Same generator state, same augmentation.
        assertThat(views.trainBatch(set, idx, new SplittableRandom(3))).containsExactly(train1);
    }

    /** Records which sets go through which view. */
    static final class Recording implements ImageViews {
        final ImageViews inner;
        final List<String> trained = new ArrayList<>();
        final List<String> evaluated = new ArrayList<>();
        int trainedImages;

        Recording(ImageViews inner) {
            this.inner = inner;
        }

        @Override
        public synchronized float[] trainBatch(ImageSet set, int[] indices, RandomGenerator rng) {
            trained.add(set.name());
            trainedImages += indices.length;
            return inner.trainBatch(set, indices, rng);
        }

        @Override
        public synchronized float[] evalBatch(ImageSet set, int[] indices) {
            evaluated.add(set.name());
            return inner.evalBatch(set, indices);
        }
    }

    @Test
    void benchAugmentsOnlyTrainingImagesAndWritesMetricsInRange(@TempDir Path tmp) throws Exception {
        VitSomConfig config = ConfigLoader.parse(TINY, "tiny");
        Splits splits = new Splits("synthetic", synthetic("train", 60, 3), Optional.of(synthetic("test", 30, 4)));
        Path out = tmp.resolve("out");
        Recording views = new Recording(ImageViews.of(config));
        ClassificationOptions options = new ClassificationOptions(tmp.resolve("tiny.yaml"), tmp, 2, null, 1, 5, out);
        ClassificationReport report = new ClassificationBench(options, new PrintStream(new ByteArrayOutputStream()),
                views).run(config, splits);

        assertThat(views.trained).isNotEmpty().allMatch(n -> n.equals("train/train80"));
        assertThat(views.trainedImages).isEqualTo(2 * 48);
        assertThat(views.evaluated).isNotEmpty().allMatch(n -> n.equals("train/val20") || n.equals("test"))
                .contains("train/val20", "test");

        ClassificationRunMetrics run = report.runs().get(0);
        for (double v : new double[] {run.accuracy(), run.macroPrecision(), run.macroRecall(), run.macroF1(),
                run.validationAccuracy()}) {
            assertThat(v).isBetween(0.0, 1.0);
        }
        assertThat(run.epochLog()).hasSize(2);
        assertThat(run.inferenceImagesPerSecond()).isPositive();

        JsonNode json = ClassificationReport.JSON.readTree(out.resolve("results.json").toFile());
        for (String key : List.of("task", "model", "config", "dataset", "protocol", "epochs", "limit", "train_images",
                "validation_images", "test_images", "batch_size", "seeds", "device", "machine", "code_version",
                "params", "params_encoder_head", "runs", "mean", "std")) {
            assertThat(json.has(key)).as(key).isTrue();
        }
        assertThat(json.get("model").asText()).isEqualTo("vit_som_cls");
        assertThat(json.get("train_images").asInt()).isEqualTo(48);
        assertThat(json.get("validation_images").asInt()).isEqualTo(12);
        assertThat(json.get("test_images").asInt()).isEqualTo(30);
        JsonNode r = json.get("runs").get(0);
        for (String key : ClassificationRunMetrics.KEYS) {
            assertThat(r.has(key)).as(key).isTrue();
        }
        for (String key : List.of("accuracy", "macro_precision", "macro_recall", "macro_f1", "val_accuracy")) {
            assertThat(r.get(key).asDouble()).as(key).isBetween(0.0, 1.0);
        }
        assertThat(r.get("epoch_log")).hasSize(2);
        assertThat(r.get("epoch_log").get(1).get("val_accuracy").asDouble()).isBetween(0.0, 1.0);
        assertThat(json.get("params").asLong()).isGreaterThan(json.get("params_encoder_head").asLong());
        assertThat(Files.readString(out.resolve("results.md"))).contains("vit_som_cls (ours)", "Val accuracy");
        assertThat(out.resolve("model")).isDirectory();
    }

    @Test
    void thePlainVitConfigTrainsWithoutASomAndReportsThePapersVitNumber(@TempDir Path tmp) throws Exception {
        VitSomConfig config = ConfigLoader.parse(TINY.replace("model_arch: vit_som", "model_arch: vit"), "tiny-vit");
        Splits splits = new Splits("cifar-100-synthetic", synthetic("train", 20, 3), Optional.of(synthetic("test", 9, 4)));
        ClassificationOptions options = new ClassificationOptions(tmp.resolve("tiny.yaml"), tmp, 1, null, 1, 0,
                tmp.resolve("out"));
        ClassificationReport report = new ClassificationBench(options, new PrintStream(new ByteArrayOutputStream()))
                .run(config, splits);
        assertThat(report.model()).isEqualTo("vit");
        assertThat(report.runs().get(0).accuracy()).isBetween(0.0, 1.0);
        assertThat(report.markdown()).contains("vit (ours)", "0.604");
        assertThat(ClassificationPaperNumbers.accuracy("vit_som_cls", "cifar-10-jpg")).contains("0.920");
        assertThat(ClassificationPaperNumbers.accuracy("vit", "cifar-10")).contains("0.901");
        assertThat(ClassificationPaperNumbers.accuracy("vit_som_cls", "CIFAR-100")).contains("0.683");
        assertThat(ClassificationPaperNumbers.accuracy("vit", "mnist")).isEmpty();
    }

    private static void writePngFolder(Path root, String split, ImageSet set) throws IOException {
        for (int i = 0; i < set.size(); i++) {
            Path dir = Files.createDirectories(root.resolve(split).resolve(set.classNames().get(set.labels()[i])));
            BufferedImage img = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
            float[] px = set.image(i);
            for (int y = 0; y < 8; y++) {
                for (int x = 0; x < 8; x++) {
                    int rgb = 0;
                    for (int c = 0; c < 3; c++) {
                        rgb = (rgb << 8) | Math.round(px[(c * 8 + y) * 8 + x] * 255);
                    }
                    img.setRGB(x, y, rgb);
                }
            }
            ImageIO.write(img, "png", dir.resolve(String.format("%04d.png", i)).toFile());
        }
    }

    @Test
    void twoRunsThroughTheCliReportMeanAndStd(@TempDir Path tmp) throws Exception {
        Path data = tmp.resolve("tri");
        writePngFolder(data, "train", synthetic("train", 40, 6));
        writePngFolder(data, "test", synthetic("test", 15, 7));
        Path configFile = tmp.resolve("tiny.yaml");
        Files.writeString(configFile, TINY);
        Path out = tmp.resolve("out");
        PrintStream stdout = System.out;
        int rc;
        try {
            System.setOut(new PrintStream(new ByteArrayOutputStream()));
            rc = new CommandLine(new BenchCommand()).execute("--config", configFile.toString(), "--data",
                    data.toString(), "--epochs", "1", "--runs", "2", "--seed", "3", "--limit", "30", "--out",
                    out.toString());
        } finally {
            System.setOut(stdout);
        }
        assertThat(rc).isZero();
        JsonNode json = ClassificationReport.JSON.readTree(out.resolve("results.json").toFile());
        assertThat(json.get("limit").asInt()).isEqualTo(30);
        assertThat(json.get("train_images").asInt()).isEqualTo(24);
        assertThat(json.get("seeds").toString()).isEqualTo("[3,4]");
        JsonNode runs = json.get("runs");
        assertThat(runs).hasSize(2);
        double a = runs.get(0).get("accuracy").asDouble();
        double b = runs.get(1).get("accuracy").asDouble();
        assertThat(json.get("mean").get("accuracy").asDouble()).isCloseTo((a + b) / 2, within(1e-12));
        assertThat(json.get("std").get("accuracy").asDouble()).isCloseTo(Math.abs(a - b) / Math.sqrt(2), within(1e-12));
        assertThat(json.get("std").get("macro_f1").asDouble()).isGreaterThanOrEqualTo(0);
        assertThat(Files.readString(out.resolve("results.md"))).contains("±", "2 run(s)");

        // eval reloads the first run's checkpoint and reproduces its test metrics.
        Path evalOut = tmp.resolve("eval.json");
        try {
            System.setOut(new PrintStream(new ByteArrayOutputStream()));
            rc = new CommandLine(new EvalCommand()).execute("--checkpoint", out.resolve("model").toString(),
                    "--data", data.toString(), "--out", evalOut.toString());
        } finally {
            System.setOut(stdout);
        }
        assertThat(rc).isZero();
        JsonNode eval = ClassificationReport.JSON.readTree(evalOut.toFile());
        assertThat(eval.get("protocol").asText()).isEqualTo("classification");
        assertThat(eval.get("accuracy").asDouble()).isEqualTo(a);
        assertThat(eval.get("macro_f1").asDouble()).isEqualTo(runs.get(0).get("macro_f1").asDouble());
    }
}
