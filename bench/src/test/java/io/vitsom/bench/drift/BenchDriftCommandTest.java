package io.vitsom.bench.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import com.fasterxml.jackson.databind.JsonNode;
import io.vitsom.bench.SyntheticIdx;
import io.vitsom.model.adapt.AdaptationConfig;
import io.vitsom.model.config.ConfigLoader;
import io.vitsom.model.data.DatasetLoader;
import io.vitsom.model.train.StopSignal;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class BenchDriftCommandTest {
    /** configs/vit_som_mnist.yaml's structure with a 4x4 map, one block and 8x8 images: a run takes seconds. */
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

    static final List<String> KEYS = List.of("scenario", "data", "to", "config", "images", "switch_at_images",
            "detected_at_images", "detection_delay_images", "false_alarms_before_switch", "detections",
            "purity_before_switch", "purity_new_classes_after", "purity_old_classes_after", "old_class_drop",
            "recovery_images", "plasticity", "rehearsal", "quarantine", "seed", "horizon_images", "machine",
            "code_version", "wall_seconds", "train_images_per_second", "series", "complete", "armed_at_images",
            "armed_images_before_switch");
    static final List<String> SERIES = List.of("images", "purity_old", "purity_new", "quantization_error",
            "topographic_error", "hit_map_js", "temperature", "learning_rate", "plasticity");

    static Path dataset(Path tmp, String name, int classes, int size) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve(name));
        SyntheticIdx.write(dir, "train", 200, classes, size, 1);
        SyntheticIdx.write(dir, "t10k", 80, classes, size, 2);
        return dir;
    }

    record Result(int code, String out, String err) {
    }

    static Result execute(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new BenchDriftCommand());
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        PrintStream stdout = System.out;
        ByteArrayOutputStream progress = new ByteArrayOutputStream();
        System.setOut(new PrintStream(progress, true));
        try {
            int code = cli.execute(args);
            return new Result(code, progress + out.toString(), err.toString());
        } finally {
            System.setOut(stdout);
        }
    }

    @Test
    void classSplitWritesEveryResultWithSaneValues(@TempDir Path tmp) throws Exception {
        Path data = dataset(tmp, "bands", 4, 8);
        Path config = Files.writeString(tmp.resolve("tiny.yaml"), TINY);
        Path out = tmp.resolve("out");
        Result r = execute("--data", data.toString(), "--config", config.toString(), "--scenario", "class-split",
                "--images", "320", "--switch-at", "160", "--horizon-images", "80", "--eval-every", "80",
                "--eval-images", "40", "--plasticity-anneal-images", "300", "--out", out.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("images 80/320 (before switch) purity old").contains("img/s, eta")
                .contains("wrote");

        JsonNode json = DriftJson.JSON.readTree(out.resolve("drift.json").toFile());
        for (String key : KEYS) {
            assertThat(json.has(key)).as(key).isTrue();
        }
        assertThat(json.path("scenario").asText()).isEqualTo("class-split");
        assertThat(json.path("to").isNull()).isTrue();
        assertThat(json.path("images").asLong()).isEqualTo(320);
        assertThat(json.path("switch_at_images").asLong()).isEqualTo(160);
        assertThat(json.path("complete").asBoolean()).isTrue();
        assertThat(json.path("plasticity").asText()).isEqualTo("on");
        assertThat(json.path("plasticity_answer").path("anneal_images").asLong()).isEqualTo(300);
        // The factors not given are run's defaults.
        assertThat(json.path("plasticity_answer").path("temperature_factor").asDouble())
                .isEqualTo(AdaptationConfig.Plasticity.DEFAULT_TEMPERATURE_FACTOR);
        assertThat(json.path("plasticity_answer").path("learning_rate_factor").asDouble())
                .isEqualTo(AdaptationConfig.Plasticity.DEFAULT_LEARNING_RATE_FACTOR);
        assertThat(json.path("rehearsal").asText()).isEqualTo("on");
        assertThat(json.path("quarantine").asText()).isEqualTo("off");
        assertThat(json.path("fresh_images_per_step").asInt()).isEqualTo(8);
        assertThat(json.path("machine").path("cores").asInt()).isPositive();
        assertThat(json.path("train_images_per_second").asDouble()).isPositive();
        assertThat(json.path("false_alarms_before_switch").asLong()).isGreaterThanOrEqualTo(0);
        for (String key : List.of("purity_before_switch", "purity_new_classes_after", "purity_old_classes_after")) {
            assertThat(json.path(key).asDouble()).as(key).isBetween(0.0, 1.0);
        }
        assertThat(json.path("old_class_drop").asDouble()).isCloseTo(json.path("purity_before_switch").asDouble()
                - json.path("purity_old_classes_after").asDouble(), offset(1e-12));

        JsonNode series = json.path("series");
        // Evaluations at 80, 160 (also the switch), 240 and 320.
        assertThat(series.path("images")).extracting(JsonNode::asLong).containsExactly(80L, 160L, 240L, 320L);
        for (String key : SERIES) {
            assertThat(series.path(key)).as(key).hasSize(4);
        }
        for (JsonNode p : series.path("purity_old")) {
            assertThat(p.asDouble()).isBetween(0.0, 1.0);
        }
        for (JsonNode p : series.path("purity_new")) {
            assertThat(p.asDouble()).isBetween(0.0, 1.0);
        }
        for (JsonNode d : json.path("detections")) {
            assertThat(d.path("images").asLong()).isBetween(1L, 320L);
        }
        // Half of every batch was rehearsed once the reservoir had images.
        assertThat(series.path("rehearsed_share").get(3).asDouble()).isCloseTo(0.5, offset(0.01));
        // The horizon of 80 trained images is 5 steps of 16 (8 fresh; the first without rehearsal, which does not
        // change the step count): the detectors watch from the 33rd fresh image on. They calibrate over 2,000 images,
        // so none can fire here and every image from there to the switch was watched.
        assertThat(json.path("armed_at_images").asLong()).isEqualTo(32);
        assertThat(json.path("armed_images_before_switch").asLong()).isEqualTo(160 - 32);

        String md = Files.readString(out.resolve("drift.md"));
        assertThat(md).contains("# Drift benchmark: class-split on bands").contains("classes 0, 1")
                .contains("classes 2, 3").contains("feed slower than the learner");
        BufferedImage png = ImageIO.read(out.resolve("drift.png").toFile());
        assertThat(png.getWidth()).isPositive();
        assertThat(png.getHeight()).isPositive();
    }

    @Test
    void stationaryStreamsAllClassesAndCountsItsArmedImages(@TempDir Path tmp) throws Exception {
        Path data = dataset(tmp, "bands", 4, 8);
        Path config = Files.writeString(tmp.resolve("tiny.yaml"), TINY);
        Path out = tmp.resolve("out");
        Result r = execute("--data", data.toString(), "--config", config.toString(), "--scenario", "stationary",
                "--images", "320", "--horizon-images", "80", "--eval-every", "80", "--eval-images", "40", "--out",
                out.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("images 80/320 (stationary) purity").contains("armed yes").contains("wrote");

        JsonNode json = DriftJson.JSON.readTree(out.resolve("drift.json").toFile());
        for (String key : KEYS) {
            assertThat(json.has(key)).as(key).isTrue();
        }
        assertThat(json.path("scenario").asText()).isEqualTo("stationary");
        assertThat(json.path("images").asLong()).isEqualTo(320);
        assertThat(json.path("images_streamed").asLong()).isEqualTo(320);
        assertThat(json.path("old_group").asText()).startsWith("all 4 classes of");
        // Calibration (2,000 images) outlasts this stream: no detection is possible, and the detectors watched every
        // image after the horizon (5 steps of 8 fresh images, the last one armed from its start).
        assertThat(json.path("armed_at_images").asLong()).isEqualTo(32);
        assertThat(json.path("armed_images_before_switch").asLong()).isEqualTo(320 - 32);
        assertThat(json.path("detected_at_images").isArray()).isTrue();
        assertThat(json.path("detected_at_images")).isEmpty();
        assertThat(json.path("false_alarms_before_switch").asLong()).isZero();
        for (String key : List.of("switch_at_images", "detection_delay_images", "new_group",
                "purity_new_classes_after", "purity_old_classes_after", "old_class_drop", "recovery_images")) {
            assertThat(json.path(key).isNull()).as(key).isTrue();
        }
        JsonNode series = json.path("series");
        assertThat(series.path("images")).extracting(JsonNode::asLong).containsExactly(80L, 160L, 240L, 320L);
        assertThat(series.path("purity_new")).hasSize(4).allMatch(JsonNode::isNull);
        // purity_before_switch carries the purity at the end: the whole stream is before the (absent) switch.
        assertThat(json.path("purity_before_switch").asDouble()).isBetween(0.0, 1.0)
                .isEqualTo(series.path("purity_old").get(3).asDouble());

        String md = Files.readString(out.resolve("drift.md"));
        assertThat(md).contains("# Drift benchmark: stationary on bands")
                .contains("**0 false alarms in 288 armed stationary images**").contains("armed after 32 fresh images")
                .contains("`purity_before_switch` in drift.json").doesNotContain("Recovery");
        assertThat(ImageIO.read(out.resolve("drift.png").toFile())).isNotNull();
    }

    @Test
    void everyStationaryDetectionIsAFalseAlarmAndTheSwitchImageIsBeforeTheSwitch(@TempDir Path tmp) {
        Path data = tmp.resolve("data");
        Path config = tmp.resolve("tiny.yaml");
        List<DriftReport.Detection> detections = List.of(new DriftReport.Detection(150, "quantization_error",
                "page_hinkley", 1.0), new DriftReport.Detection(400, "hit_map_js", "page_hinkley", 0.2));
        DriftSettings stationary = new DriftSettings(DriftScenario.Kind.STATIONARY, data, null, config, 400, 400, 80,
                100, 10, 0, null, DriftReports.PLASTICITY_ON, true, false);
        JsonNode json = DriftJson.of(report(stationary, detections));
        assertThat(json.path("false_alarms_before_switch").asLong()).isEqualTo(2);
        assertThat(json.path("detected_at_images")).extracting(JsonNode::asLong).containsExactly(150L, 400L);
        assertThat(json.path("armed_at_images").asLong()).isEqualTo(100);
        assertThat(json.path("armed_images_before_switch").asLong()).isEqualTo(250);
        assertThat(DriftMarkdown.of(report(stationary, detections)))
                .contains("**2 false alarms in 250 armed stationary images**");

        // With a switch at 150, the detection on image 150 fired on the last old image: a false alarm, not the switch.
        DriftSettings split = new DriftSettings(DriftScenario.Kind.CLASS_SPLIT, data, null, config, 400, 150, 80,
                100, 10, 0, null, DriftReports.PLASTICITY_ON, true, false);
        JsonNode splitJson = DriftJson.of(report(split, detections));
        assertThat(splitJson.path("false_alarms_before_switch").asLong()).isEqualTo(1);
        assertThat(splitJson.path("detected_at_images").asLong()).isEqualTo(400);
        assertThat(splitJson.path("detection_delay_images").asLong()).isEqualTo(250);
        assertThat(splitJson.path("switch_at_images").asLong()).isEqualTo(150);
    }

    private static DriftReport report(DriftSettings settings, List<DriftReport.Detection> detections) {
        List<DriftReport.Point> points = List.of(new DriftReport.Point(settings.images(), 0.8, Double.NaN, 0.1, 0.05,
                0.01, 0.5, 1e-4, 0, 0.5, 10));
        return new DriftReport(settings, "all 2 classes of data", null, 16, points, detections,
                java.util.OptionalLong.of(100), 250, settings.images(), null, 10, 8,
                new Machine(2, "Linux", null, 1024), "test");
    }

    @Test
    void stationaryRefusesASwitchAndASecondDataset(@TempDir Path tmp) throws Exception {
        Path data = dataset(tmp, "bands", 4, 8);
        Result switchAt = execute("--data", data.toString(), "--scenario", "stationary", "--switch-at", "100",
                "--out", tmp.resolve("out").toString());
        assertThat(switchAt.code()).isNotZero();
        assertThat(switchAt.err()).contains("--switch-at is for class-split and dataset-switch; stationary streams "
                + "--data without a switch");
        Result to = execute("--data", data.toString(), "--to", data.toString(), "--scenario", "stationary",
                "--out", tmp.resolve("out").toString());
        assertThat(to.code()).isNotZero();
        assertThat(to.err()).contains("--to is for --scenario dataset-switch; stationary streams --data alone");
        Result unknown = execute("--data", data.toString(), "--scenario", "steady", "--out",
                tmp.resolve("out").toString());
        assertThat(unknown.err()).contains("--scenario must be class-split, dataset-switch or stationary, got steady");
        assertThat(tmp.resolve("out")).doesNotExist();
    }

    @Test
    void aSwitchAtOrPastTheEndIsAUsageError(@TempDir Path tmp) throws Exception {
        Path data = dataset(tmp, "bands", 4, 8);
        Result r = execute("--data", data.toString(), "--scenario", "class-split", "--images", "100",
                "--switch-at", "100", "--out", tmp.resolve("out").toString());
        assertThat(r.code()).isNotZero();
        assertThat(r.err()).contains("--switch-at must be between 1 and --images - 1 (99), got 100");
        assertThat(tmp.resolve("out")).doesNotExist();
    }

    @Test
    void aPlasticityFactorBelowOneIsAUsageError(@TempDir Path tmp) throws Exception {
        Path data = dataset(tmp, "bands", 4, 8);
        Result r = execute("--data", data.toString(), "--scenario", "class-split", "--plasticity-lr-factor", "0.5",
                "--out", tmp.resolve("out").toString());
        assertThat(r.code()).isNotZero();
        assertThat(r.err()).contains("plasticity factors must be >= 1, got 8.0 and 0.5");
        assertThat(tmp.resolve("out")).doesNotExist();
    }

    @Test
    void datasetSwitchNeedsToAndTheSameShape(@TempDir Path tmp) throws Exception {
        Path data = dataset(tmp, "bands", 4, 8);
        Path other = dataset(tmp, "big", 2, 10);
        Path config = Files.writeString(tmp.resolve("tiny.yaml"), TINY);
        Result noTo = execute("--data", data.toString(), "--config", config.toString(), "--scenario",
                "dataset-switch", "--out", tmp.resolve("out").toString());
        assertThat(noTo.code()).isNotZero();
        assertThat(noTo.err()).contains("--scenario dataset-switch needs --to DIR");

        Result shapes = execute("--data", data.toString(), "--to", other.toString(), "--config", config.toString(),
                "--scenario", "dataset-switch", "--out", tmp.resolve("out").toString());
        assertThat(shapes.code()).isNotZero();
        assertThat(shapes.err()).contains("1x10x10").contains("1x8x8").contains("same channels x height x width");

        Result config28 = execute("--data", other.toString(), "--config", config.toString(), "--scenario",
                "class-split", "--out", tmp.resolve("out").toString());
        assertThat(config28.code()).isNotZero();
        assertThat(config28.err()).contains("images are 1x10x10 but").contains("reads 1x8x8");
    }

    @Test
    void aStopWritesWhatWasMeasuredMarkedIncomplete(@TempDir Path tmp) throws Exception {
        Path data = dataset(tmp, "bands", 2, 8);
        Path config = Files.writeString(tmp.resolve("tiny.yaml"), TINY);
        DriftSettings settings = new DriftSettings(DriftScenario.Kind.CLASS_SPLIT, data, null, config, 640, 320, 160,
                160, 20, 0, null, DriftReports.PLASTICITY_ON, true, false);
        StopSignal stop = new StopSignal();
        // The stop comes with the first progress line: the run ends at the next step boundary.
        PrintStream log = new PrintStream(new ByteArrayOutputStream()) {
            @Override
            public PrintStream printf(java.util.Locale locale, String format, Object... args) {
                if (format.startsWith("images")) {
                    stop.request("test stop");
                }
                return this;
            }
        };
        DriftScenario scenario = DriftScenario.classSplit(DatasetLoader.load(data, null), 20, 0);
        assertThat(scenario.oldGroup()).isEqualTo("classes 0");
        DriftReport report = new DriftRun(settings, ConfigLoader.load(config), log, stop).run(scenario);
        report.write(tmp.resolve("out"));

        assertThat(report.complete()).isFalse();
        assertThat(report.imagesFed()).isEqualTo(160);
        JsonNode json = DriftJson.JSON.readTree(tmp.resolve("out/drift.json").toFile());
        assertThat(json.path("complete").asBoolean()).isFalse();
        assertThat(json.path("stop_reason").asText()).isEqualTo("test stop");
        assertThat(json.path("series").path("images")).hasSize(1);
        assertThat(json.path("purity_new_classes_after").isNull()).isTrue();
        assertThat(json.path("purity_before_switch").asDouble()).isBetween(0.0, 1.0);
        assertThat(Files.readString(tmp.resolve("out/drift.md"))).contains("**Incomplete** (test stop)");
        assertThat(ImageIO.read(tmp.resolve("out/drift.png").toFile())).isNotNull();
    }

    @Test
    void aDatasetFolderTheSuiteKnowsGetsItsConfig() {
        assertThat(BenchDriftCommand.defaultConfig(Path.of("data", "fashion-mnist")))
                .isEqualTo(Path.of("configs", "vit_som_fmnist.yaml"));
        assertThat(BenchDriftCommand.defaultConfig(Path.of("elsewhere", "digits")))
                .isEqualTo(Path.of("configs", "vit_som_mnist.yaml"));
    }
}
