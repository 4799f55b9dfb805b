package io.vitsom.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.vitsom.model.config.ConfigLoader;
import io.vitsom.model.config.VitSomConfig;
import io.vitsom.model.data.DatasetLoader;
import io.vitsom.model.data.Splits;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class BenchRoundTripTest {
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

    /** A dataset folder of {@code train} + {@code test} images and the tiny config beside it; returns the config file. */
    private static Path fixture(Path tmp, int train, int test) throws IOException {
        Path data = Files.createDirectories(tmp.resolve("halves"));
        SyntheticIdx.write(data, "train", train, 1);
        SyntheticIdx.write(data, "t10k", test, 2);
        Path configFile = tmp.resolve("tiny.yaml");
        Files.writeString(configFile, TINY);
        return configFile;
    }

    @Test
    void evalOfTheSavedCheckpointReproducesTheBenchmarkMetrics(@TempDir Path tmp) throws Exception {
        Path configFile = fixture(tmp, 96, 32);
        Path data = tmp.resolve("halves");
        VitSomConfig config = ConfigLoader.load(configFile);
        Splits splits = DatasetLoader.load(data, null);
        Path out = tmp.resolve("out");
        BenchOptions options = new BenchOptions(configFile, data, 2, null, 1, 3, Protocol.SPLIT, out,
                ModelKind.VIT_SOM, 1000);
        BenchReport report = new ClusteringBench(options, new PrintStream(new ByteArrayOutputStream())).run(config, splits);

        for (String f : new String[] {"results.json", "results.md", "prototypes.png", "label_map.png", "hits.png",
                "winners.png", "model/manifest.json"}) {
            assertThat(out.resolve(f)).as(f).exists();
        }
        JsonNode results = BenchReport.JSON.readTree(out.resolve("results.json").toFile());
        assertThat(results.path("runs")).hasSize(1);
        assertThat(results.path("epochs").asInt()).isEqualTo(2);
        assertThat(results.path("runs").get(0).path("epoch_log")).hasSize(2);
        assertThat(results.path("mean").path("purity_all").isNull()).isTrue();
        assertThat(results.path("eval_limit").isNull()).isTrue();
        // Every run, and mean/std, carry every key; neural selectivity and dead units on the test split's BMUs.
        for (String key : RunMetrics.KEYS) {
            assertThat(results.path("runs").get(0).has(key)).as(key).isTrue();
            assertThat(results.path("mean").has(key)).as(key).isTrue();
            assertThat(results.path("std").has(key)).as(key).isTrue();
        }
        assertThat(results.path("mean").path("neural_selectivity").asDouble()).isBetween(0.5, 1.0);
        assertThat(results.path("mean").path("dead_units").asDouble()).isBetween(0.0, 15.0);
        assertThat(Files.readString(out.resolve("results.md"))).contains("neural_selectivity").contains("dead_units");
        assertThat(javax.imageio.ImageIO.read(out.resolve("winners.png").toFile()).getWidth()).isGreaterThan(800);

        Path evalJson = tmp.resolve("eval.json");
        int code = new CommandLine(new EvalCommand()).execute("--checkpoint", out.resolve("model").toString(),
                "--out", evalJson.toString());
        assertThat(code).isZero();
        JsonNode eval = BenchReport.JSON.readTree(evalJson.toFile());
        RunMetrics run = report.runs().get(0);
        assertThat(eval.path("purity_train").asDouble()).isEqualTo(run.purityTrain());
        assertThat(eval.path("nmi_train").asDouble()).isEqualTo(run.nmiTrain());
        assertThat(eval.path("purity_test").asDouble()).isEqualTo(run.purityTest());
        assertThat(eval.path("nmi_test").asDouble()).isEqualTo(run.nmiTest());
    }

    @Test
    void referenceProtocolTrainsOnTrainPlusTestAndReportsAll(@TempDir Path tmp) throws Exception {
        Path configFile = fixture(tmp, 48, 16);
        Path data = tmp.resolve("halves");
        Splits splits = DatasetLoader.load(data, null);
        ClusteringBench.Data selected = ClusteringBench.select(splits, Protocol.REFERENCE, null);
        assertThat(selected.all().size()).isEqualTo(64);
        assertThat(ClusteringBench.select(splits, Protocol.REFERENCE, 50).all().size()).isEqualTo(50);
        assertThat(ClusteringBench.select(splits, Protocol.SPLIT, 10).train().size()).isEqualTo(10);
        assertThat(ClusteringBench.select(splits, Protocol.SPLIT, 10).test().size()).isEqualTo(16);

        BenchOptions options = new BenchOptions(configFile, data, 1, null, 2, 0, Protocol.REFERENCE,
                tmp.resolve("out"), ModelKind.SOM, 1000);
        BenchReport report = new ClusteringBench(options, new PrintStream(new ByteArrayOutputStream()))
                .run(ConfigLoader.load(configFile), splits);
        assertThat(report.runs()).hasSize(2);
        assertThat(report.runs().get(0).purityAll()).isBetween(0.5, 1.0);
        assertThat(report.runs().get(0).purityTrain()).isNaN();
        JsonNode results = BenchReport.JSON.readTree(tmp.resolve("out/results.json").toFile());
        assertThat(results.path("std").has("purity_all")).isTrue();
        assertThat(results.path("runs").get(1).path("seed").asLong()).isEqualTo(1);
    }

    @Test
    void anEvalLimitEvaluatesTheFirstImagesOfEachEvaluatedSetAndSaysSo(@TempDir Path tmp) throws Exception {
        Path configFile = fixture(tmp, 48, 16);
        Path data = tmp.resolve("halves");
        Splits splits = DatasetLoader.load(data, null);
        BenchOptions options = new BenchOptions(configFile, data, 1, null, 1, 0, Protocol.SPLIT, tmp.resolve("out"),
                ModelKind.SOM, 1000, null, java.util.List.of(), 10);
        BenchReport report = new ClusteringBench(options, new PrintStream(new ByteArrayOutputStream()))
                .run(ConfigLoader.load(configFile), splits);
        // Trained on all 48 training images; purity on the first 10 training and the first 10 test images, so it
        // moves in steps of 1/10.
        assertThat(report.trainImages()).isEqualTo(48);
        double tenths = report.runs().get(0).purityTest() * 10;
        assertThat(tenths).isCloseTo(Math.rint(tenths), org.assertj.core.data.Offset.offset(1e-9));
        JsonNode results = BenchReport.JSON.readTree(tmp.resolve("out/results.json").toFile());
        assertThat(results.path("eval_limit").asInt()).isEqualTo(10);
        assertThat(Files.readString(tmp.resolve("out/results.md"))).contains("first 10 images of each evaluated set");
    }
}
