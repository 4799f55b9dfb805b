package io.vitsom.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import io.vitsom.model.checkpoint.Checkpoint;
import io.vitsom.model.config.ConfigLoader;
import io.vitsom.model.map.MapModels;
import io.vitsom.model.urlsom.UrlSomConfig;
import io.vitsom.model.urlsom.UrlSomModel;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code vitsom bench} with a url_som config: a tiny URL-SOM on the two-halves IDX data of {@link BenchRoundTripTest}. */
class UrlSomBenchTest {
    /** A 4x4 map on a ResNet-8 of widths 4/8/8 over 8x8 gray images, 2 epochs. */
    static final String TINY = """
            hyperparameters:
              model_arch: url_som
              total_epochs: 2
              batch_size: 16
              gamma: 2.0
              early_stopping_patience: 10
              map: {map_size: [4, 4], kernel: gaussian, sigma: 0.5, projection_dropout: 0.0, projection_l2: 0.0005}
              backbone: {depth: 8, widths: [4, 8, 8], activation: elu}
              optimizer: {type: adam, beta_1: 0.9, beta_2: 0.999, warmup_lr: [0.001, 0.005, 0.01], warmup_epochs: [1, 2]}
              augment: {crop: [6, 8], horizontal_flip: 0.0, color_jitter: [0.4, 0.4, 0.0, 0.0], color_jitter_p: 0.8,
                        grayscale_p: 0.0}
            data: {dataset: synthetic, num_classes: 0, num_channels: 1, input_size: 8}
            """;

    @Test
    void benchWithAUrlSomConfigTrainsUrlSomSavesItAndEvalReproducesIt(@TempDir Path tmp) throws Exception {
        Path data = Files.createDirectories(tmp.resolve("halves"));
        SyntheticIdx.write(data, "train", 96, 1);
        SyntheticIdx.write(data, "t10k", 32, 2);
        Path configFile = Files.writeString(tmp.resolve("url_som_tiny.yaml"), TINY);
        Path out = tmp.resolve("out");

        int rc = quietly(() -> new CommandLine(new BenchCommand()).execute("--config", configFile.toString(),
                "--data", data.toString(), "--seed", "5", "--epoch-eval-limit", "64", "--out", out.toString()));
        assertThat(rc).isZero();

        for (String f : new String[] {"results.json", "results.md", "prototypes.png", "label_map.png", "hits.png",
                "projection.png", "model/manifest.json"}) {
            assertThat(out.resolve(f)).as(f).exists();
        }
        JsonNode results = BenchReport.JSON.readTree(out.resolve("results.json").toFile());
        assertThat(results.path("model").asText()).isEqualTo("url_som");
        assertThat(results.path("protocol").asText()).isEqualTo("split");
        assertThat(results.path("epochs").asInt()).isEqualTo(2);
        assertThat(results.path("batch_size").asInt()).isEqualTo(16);
        JsonNode run = results.path("runs").get(0);
        assertThat(run.path("purity_test").isNumber()).isTrue();
        assertThat(run.path("purity_test").asDouble()).isBetween(0.5, 1.0);
        assertThat(run.path("nmi_test").isNumber()).isTrue();
        assertThat(run.path("quantization_error").asDouble()).isBetween(0.0, 1.0);
        JsonNode epochLog = run.path("epoch_log");
        assertThat(epochLog).hasSize(2);
        assertThat(Double.isFinite(epochLog.get(0).path("loss").asDouble())).isTrue();
        for (String key : RunMetrics.KEYS) {
            assertThat(run.has(key)).as(key).isTrue();
            assertThat(results.path("mean").has(key)).as(key).isTrue();
        }

        try (NDManager manager = NDManager.newBaseManager()) {
            Checkpoint.Loaded loaded = Checkpoint.load(out.resolve("model"), manager);
            assertThat(loaded.config().modelArch()).isEqualTo(UrlSomConfig.MODEL_ARCH);
            assertThat(loaded.model()).isInstanceOf(UrlSomModel.class);
            assertThat(loaded.config().grid().units()).isEqualTo(16);
            assertThat(loaded.metadata().seed()).isEqualTo(5);
            assertThat(loaded.metadata().step()).isEqualTo(2 * 6); // 2 epochs of ceil(96 / 16) steps
            assertThat(loaded.metadata().provenance().path("epochs").asInt()).isEqualTo(2);
            assertThat(loaded.metadata().provenance().path("protocol").asText()).isEqualTo("split");
        }

        // vitsom eval reloads OUT/model and assigns as the benchmark did.
        Path evalJson = tmp.resolve("eval.json");
        rc = quietly(() -> new CommandLine(new EvalCommand()).execute("--checkpoint", out.resolve("model").toString(),
                "--out", evalJson.toString()));
        assertThat(rc).isZero();
        JsonNode eval = BenchReport.JSON.readTree(evalJson.toFile());
        assertThat(eval.path("purity_test").asDouble()).isEqualTo(run.path("purity_test").asDouble());
        assertThat(eval.path("nmi_train").asDouble()).isEqualTo(run.path("nmi_train").asDouble());
    }

    @Test
    void aUrlSomConfigTrainsUrlSomOnlyAndUrlSomNeedsOne() throws Exception {
        UrlSomConfig urlSom = (UrlSomConfig) MapModels.parse(TINY, "tiny");
        var vitSom = ConfigLoader.parse(BenchRoundTripTest.TINY, "vit");
        assertThat(ModelKind.resolve(null, urlSom)).isEqualTo(ModelKind.URL_SOM);
        assertThat(ModelKind.resolve("url-som", urlSom)).isEqualTo(ModelKind.URL_SOM);
        assertThat(ModelKind.resolve(null, vitSom)).isEqualTo(ModelKind.VIT_SOM);
        assertThat(ModelKind.resolve("desom", vitSom)).isEqualTo(ModelKind.DESOM);
        assertThatThrownBy(() -> ModelKind.resolve("som", urlSom)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--model som does not train from a url_som config");
        assertThatThrownBy(() -> ModelKind.resolve("url_som", vitSom)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("needs a url_som config");
    }

    @Test
    void theCliRefusesABaselineWithAUrlSomConfigBeforeLoadingData(@TempDir Path tmp) throws Exception {
        Path configFile = Files.writeString(tmp.resolve("url_som_tiny.yaml"), TINY);
        // As the app's Main does: an IllegalArgumentException is a one-line error.
        StringBuilder error = new StringBuilder();
        CommandLine cli = new CommandLine(new BenchCommand());
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            error.append(e.getMessage());
            return 2;
        });
        int rc = quietly(() -> cli.execute("--config", configFile.toString(), "--data",
                tmp.resolve("missing").toString(), "--model", "som", "--out", tmp.resolve("out").toString()));
        assertThat(rc).isEqualTo(2);
        assertThat(error.toString()).contains("--model som does not train from a url_som config");
        assertThat(tmp.resolve("out")).doesNotExist();
    }

    @Test
    void earlyStoppingStopsAfterPatienceEpochsWithoutALowerLoss() {
        EarlyStopping two = new EarlyStopping(2);
        assertThat(two.stopAfter(1.0)).isFalse();
        assertThat(two.stopAfter(0.9)).isFalse();
        assertThat(two.stopAfter(0.95)).isFalse();
        assertThat(two.stopAfter(0.93)).isTrue(); // stop after epoch 4: epochs 3 and 4 above 0.9
        assertThat(two.bestEpoch()).isEqualTo(2);
        assertThat(two.bestLoss()).isEqualTo(0.9);

        // An equal loss is no improvement (min_delta 0), a lower one resets the count, NaN never improves.
        EarlyStopping one = new EarlyStopping(2);
        assertThat(one.stopAfter(1.0)).isFalse();
        assertThat(one.stopAfter(1.0)).isFalse();
        assertThat(one.stopAfter(0.5)).isFalse();
        assertThat(one.stopAfter(Double.NaN)).isFalse();
        assertThat(one.stopAfter(0.5)).isTrue();

        // Patience 0: never stops.
        EarlyStopping off = new EarlyStopping(0);
        for (int e = 0; e < 50; e++) {
            assertThat(off.stopAfter(e)).isFalse();
        }
        assertThatThrownBy(() -> new EarlyStopping(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    private interface Cli {
        int run();
    }

    /** Runs a command with stdout and stderr silenced (the progress lines and report). */
    private static int quietly(Cli cli) {
        PrintStream stdout = System.out;
        PrintStream stderr = System.err;
        try {
            System.setOut(new PrintStream(new ByteArrayOutputStream()));
            System.setErr(new PrintStream(new ByteArrayOutputStream()));
            return cli.run();
        } finally {
            System.setOut(stdout);
            System.setErr(stderr);
        }
    }
}
