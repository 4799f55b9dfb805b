package io.vitsom.bench.generative;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vitsom.bench.BenchCommand;
import io.vitsom.bench.SyntheticIdx;
import io.vitsom.model.checkpoint.Checkpoint;
import io.vitsom.model.gensom.TinyGenSom;
import io.vitsom.model.vae.VaeModel;
import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class GenerativeBenchTest {
    /** Trained under the VAE's conditions: latent 4, one epoch of batches of 16 at 0.003. */
    static final String GEN_SOM = TinyGenSom.standard().withLatentDim(4).withTraining(1, 16, 0.003).yaml();
    static final String VAE = """
            hyperparameters:
              model_arch: vae
              total_epochs: 1
              batch_size: 16
              latent_dim: 4
              beta: 1.0
              reconstruction: bce
              encoder: {widths: [4, 8]}
              decoder: {widths: [8, 4]}
              optimizer: {type: adam, learning_rate: 0.003, beta_1: 0.9, beta_2: 0.999}
            data: {dataset: synthetic, num_classes: 0, num_channels: 1, input_size: 28}
            """;
    static final List<String> SCORES = List.of("recon_mse", "fid_fmnist", "is_fmnist", "params", "train_seconds");

    private static int bench(String... args) {
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new BenchCommand());
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        if (code != 0) {
            System.err.println(err);
        }
        return code;
    }

    @Test
    void trainsBothModelsInOneRunScoresThemWithOneClassifierAndSavesModelsThatReload(@TempDir Path tmp)
            throws Exception {
        Path data = Files.createDirectories(tmp.resolve("data"));
        SyntheticIdx.write(data, "train", 64, 4, 28, 1);
        SyntheticIdx.write(data, "t10k", 32, 4, 28, 2);
        Path genSom = Files.writeString(tmp.resolve("gen.yaml"), GEN_SOM);
        Path vae = Files.writeString(tmp.resolve("vae.yaml"), VAE);
        Path out = tmp.resolve("out");

        assertThat(bench("--config", genSom.toString(), "--compare", vae.toString(), "--data", data.toString(),
                "--samples", "24", "--feature-epochs", "1", "--out", out.toString())).isZero();

        JsonNode r = new ObjectMapper().readTree(out.resolve("results.json").toFile());
        assertThat(r.path("model").asText()).isEqualTo("gen_som_attn");
        assertThat(r.path("models")).hasSize(2);
        assertThat(r.path("models").get(1).path("model").asText()).isEqualTo("vae");
        for (JsonNode m : List.of(r, r.path("models").get(0), r.path("models").get(1))) {
            for (String key : SCORES) {
                assertThat(m.path("runs").get(0).path(key).isNumber()).as(key).isTrue();
                assertThat(m.path("mean").path(key).isNumber()).as(key).isTrue();
                assertThat(m.path("std").has(key)).as(key).isTrue();
            }
            double mse = m.path("runs").get(0).path("recon_mse").asDouble();
            assertThat(mse).isBetween(0.0, 1.0);
            assertThat(m.path("runs").get(0).path("fid_fmnist").asDouble()).isGreaterThanOrEqualTo(0);
            // IS lies between 1 (every image the same class) and the number of classes.
            assertThat(m.path("runs").get(0).path("is_fmnist").asDouble()).isBetween(1.0, 10.0);
        }
        assertThat(r.path("runs").get(0).path("purity_test").isNumber()).isTrue();
        assertThat(r.path("reference").path("feature_classifier").path("test_accuracy").isNumber()).isTrue();
        assertThat(r.path("scores").asText()).contains("not an Inception network");
        assertThat(Files.readString(out.resolve("results.md"))).contains("FID (FMNIST classifier features)")
                .contains("0.048").contains("| vae |");
        for (String png : List.of("prototypes.png", "samples-map.png", "unit-samples.png", "reconstructions.png",
                "vae/samples.png", "vae/reconstructions.png")) {
            BufferedImage img = ImageIO.read(out.resolve(png).toFile());
            assertThat(img).as(png).isNotNull();
        }

        try (NDManager manager = NDManager.newBaseManager()) {
            Checkpoint.Loaded loaded = Checkpoint.load(out.resolve("model"), manager);
            assertThat(loaded.config().modelArch()).isEqualTo("gen_som_attn");
            assertThat(loaded.metadata().provenance().path("recon_mse").asDouble())
                    .isEqualTo(r.path("runs").get(0).path("recon_mse").asDouble());
            try (VaeModel model = VaeModel.load(out.resolve("vae/model"), manager)) {
                assertThat(model.trainableParameterCount()).isEqualTo(r.path("models").get(1).path("params").asLong());
            }
        }

        // A second run scored by the saved classifier: same accuracy, no new training of it.
        Path again = tmp.resolve("again");
        assertThat(bench("--config", vae.toString(), "--data", data.toString(), "--samples", "24",
                "--feature-net", out.resolve("feature-net").toString(), "--out", again.toString())).isZero();
        JsonNode r2 = new ObjectMapper().readTree(again.resolve("results.json").toFile());
        assertThat(r2.path("reference").path("feature_classifier").path("test_accuracy").asDouble())
                .isEqualTo(r.path("reference").path("feature_classifier").path("test_accuracy").asDouble());
        assertThat(r2.path("reference").path("feature_classifier").path("loaded_from").asText()).isNotEmpty();
        assertThat(again.resolve("feature-net")).doesNotExist();
    }

    @Test
    void refusesOptionsThatDoNotApplyAndAComparisonWithItself(@TempDir Path tmp) throws Exception {
        Path data = Files.createDirectories(tmp.resolve("data"));
        SyntheticIdx.write(data, "train", 16, 2, 28, 1);
        SyntheticIdx.write(data, "t10k", 8, 2, 28, 2);
        Path vae = Files.writeString(tmp.resolve("vae.yaml"), VAE);
        assertThat(bench("--config", vae.toString(), "--data", data.toString(), "--model", "som")).isNotZero();
        assertThat(bench("--config", vae.toString(), "--compare", vae.toString(), "--data", data.toString(),
                "--out", tmp.resolve("o").toString())).isNotZero();
        assertThat(tmp.resolve("o").resolve("results.json")).doesNotExist();
    }
}
