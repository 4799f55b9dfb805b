package io.vitsom.app;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vitsom.model.data.DecodedImage;
import io.vitsom.model.data.ImageCodec;
import io.vitsom.model.gensom.GenSomConfig.CodebookInit;
import io.vitsom.model.gensom.TinyGenSom;
import io.vitsom.model.map.UnitSampler;
import io.vitsom.model.vae.VaeConfig;
import io.vitsom.model.vae.VaeModel;
import io.vitsom.stream.testing.Fixtures;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code vitsom generate} on a tiny, untrained Gen-SOM-Attn checkpoint, a ViT-SOM one and a VAE. */
class GenerateCommandTest {
    private static final int SIDE = 16;
    /** Untrained, a 3x4 map on 16x16 gray images with its units apart: built and decoded in milliseconds. */
    private static final TinyGenSom TINY_GEN_SOM = TinyGenSom.standard().withMap(3, 4).withInputSize(SIDE)
            .withInit(CodebookInit.NORMAL, 1.0);
    /** A VAE of the same input. */
    private static final String TINY_VAE = """
            hyperparameters:
              model_arch: vae
              total_epochs: 1
              batch_size: 8
              latent_dim: 4
              beta: 1.0
              reconstruction: bce
              encoder: {widths: [4, 8]}
              decoder: {widths: [8, 4]}
              optimizer: {type: adam, learning_rate: 0.001, beta_1: 0.9, beta_2: 0.999}
            data: {dataset: synthetic, num_classes: 0, num_channels: 1, input_size: 16}
            """;

    @TempDir
    static Path dir;
    private static Path genSom;
    private static Path genSomWithSigma;
    private static Path vitSom;
    private static Path vae;

    @BeforeAll
    static void writeCheckpoints() throws Exception {
        genSom = TINY_GEN_SOM.writeUntrainedCheckpoint(dir.resolve("gen-som"), 7, null);
        ObjectNode provenance = new ObjectMapper().createObjectNode().put(UnitSampler.GENERATION_SIGMA, 0.5);
        genSomWithSigma = TINY_GEN_SOM.writeUntrainedCheckpoint(dir.resolve("gen-som-sigma"), 7, provenance);
        vitSom = Fixtures.tinyCheckpoint(dir.resolve("vit-som"), 1, 10);
        vae = dir.resolve("vae");
        try (NDManager manager = NDManager.newBaseManager();
             VaeModel model = VaeModel.create(VaeConfig.parse(TINY_VAE, "tiny vae"), manager, 5)) {
            model.save(vae, null);
        }
    }

    /** Exit code and standard error of one {@code generate} run. */
    private record Run(int exitCode, String err) {
    }

    private static Run generate(String... args) {
        CommandLine cli = new CommandLine(new GenerateCommand());
        StringWriter err = new StringWriter();
        cli.setErr(new PrintWriter(err, true));
        return new Run(cli.execute(args), err.toString());
    }

    private static List<Path> files(Path folder) throws Exception {
        try (Stream<Path> list = Files.list(folder)) {
            return list.sorted().toList();
        }
    }

    @Test
    void writesCountPngsOfTheModelsInputAndAContactSheetOfThem() throws Exception {
        Path out = dir.resolve("five");
        Run run = generate("--checkpoint", genSom.toString(), "--unit", "1,2", "--count", "5", "--sigma", "0.5",
                "--out", out.toString(), "--seed", "3");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(files(out)).extracting(p -> p.getFileName().toString()).containsExactly("sample-000.png",
                "sample-001.png", "sample-002.png", "sample-003.png", "sample-004.png", "samples.png");
        for (int i = 0; i < 5; i++) {
            DecodedImage image = ImageCodec.decode(Files.readAllBytes(out.resolve("sample-00" + i + ".png")));
            assertThat(image.channels()).isEqualTo(1);
            assertThat(image.height()).isEqualTo(SIDE);
            assertThat(image.width()).isEqualTo(SIDE);
        }
        DecodedImage sheet = ImageCodec.decode(Files.readAllBytes(out.resolve("samples.png")));
        // 3 columns, 2 rows of 16 px images drawn at twice their size, 2 px gaps
        assertThat(sheet.width()).isEqualTo(2 + 3 * (2 * SIDE + 2));
        assertThat(sheet.height()).isEqualTo(2 + 2 * (2 * SIDE + 2));
    }

    @Test
    void theSameSeedWritesByteIdenticalFilesAndAnotherSeedOthers() throws Exception {
        Path first = dir.resolve("seed-a");
        Path second = dir.resolve("seed-b");
        Path other = dir.resolve("seed-c");
        for (Path out : List.of(first, second)) {
            assertThat(generate("--checkpoint", genSom.toString(), "--unit", "5", "--count", "3", "--sigma", "1",
                    "--out", out.toString(), "--seed", "11").exitCode()).isZero();
        }
        assertThat(generate("--checkpoint", genSom.toString(), "--unit", "5", "--count", "3", "--sigma", "1",
                "--out", other.toString(), "--seed", "12").exitCode()).isZero();

        for (String name : List.of("sample-000.png", "sample-001.png", "sample-002.png", "samples.png")) {
            assertThat(Files.readAllBytes(second.resolve(name))).as(name)
                    .isEqualTo(Files.readAllBytes(first.resolve(name)));
        }
        assertThat(Files.readAllBytes(other.resolve("samples.png")))
                .isNotEqualTo(Files.readAllBytes(first.resolve("samples.png")));
    }

    @Test
    void gridWritesEveryUnitsDecodedPrototypeLaidOutAsTheMap() throws Exception {
        Path out = dir.resolve("grid");
        Run run = generate("--checkpoint", genSom.toString(), "--grid", "--out", out.toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(files(out)).extracting(p -> p.getFileName().toString()).containsExactly("grid.png");
        DecodedImage grid = ImageCodec.decode(Files.readAllBytes(out.resolve("grid.png")));
        // 4 columns, 3 rows of 16 px prototypes drawn at twice their size, 2 px gaps
        assertThat(grid.width()).isEqualTo(2 + 4 * (2 * SIDE + 2));
        assertThat(grid.height()).isEqualTo(2 + 3 * (2 * SIDE + 2));
    }

    @Test
    void sigmaDefaultsToTheOneTheCheckpointRecordsAndIsRequiredWithoutIt() throws Exception {
        Path recorded = dir.resolve("recorded-sigma");
        Path explicit = dir.resolve("explicit-sigma");
        assertThat(generate("--checkpoint", genSomWithSigma.toString(), "--unit", "0,0", "--count", "2", "--out",
                recorded.toString()).exitCode()).isZero();
        assertThat(generate("--checkpoint", genSomWithSigma.toString(), "--unit", "0,0", "--count", "2", "--sigma",
                "0.5", "--out", explicit.toString()).exitCode()).isZero();
        assertThat(Files.readAllBytes(recorded.resolve("samples.png")))
                .isEqualTo(Files.readAllBytes(explicit.resolve("samples.png")));

        Run run = generate("--checkpoint", genSom.toString(), "--unit", "0,0", "--out",
                dir.resolve("no-sigma").toString());
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--sigma is required: " + genSom + " records no generation_sigma");
    }

    @Test
    void refusesAModelThatCannotGenerateAMissingCheckpointAndBadOptionsNamingTheProblem() {
        Path out = dir.resolve("refused");
        expectRefusal("model_arch vit_som cannot generate images; generate needs a gen_som_attn checkpoint",
                "--checkpoint", vitSom.toString(), "--unit", "0,0", "--sigma", "1", "--out", out.toString());
        expectRefusal("--checkpoint " + dir.resolve("missing") + " is not a directory",
                "--checkpoint", dir.resolve("missing").toString(), "--unit", "0,0", "--out", out.toString());
        expectRefusal("--unit: unit 3,0 is outside the 3x4 map",
                "--checkpoint", genSom.toString(), "--unit", "3,0", "--sigma", "1", "--out", out.toString());
        expectRefusal("--count must be in [1, 10000], got 0",
                "--checkpoint", genSom.toString(), "--unit", "0,0", "--count", "0", "--out", out.toString());
        expectRefusal("--count must be in [1, 10000], got 10001",
                "--checkpoint", genSom.toString(), "--unit", "0,0", "--count", "10001", "--out", out.toString());
        expectRefusal("--sigma must be a finite number >= 0, got -0.1",
                "--checkpoint", genSom.toString(), "--unit", "0,0", "--sigma", "-0.1", "--out", out.toString());
        expectRefusal("give --unit ROW,COL to draw images around a unit, --grid for every unit's decoded prototype",
                "--checkpoint", genSom.toString(), "--out", out.toString());
        assertThat(out).as("nothing is written when the command refuses").doesNotExist();
    }

    @Test
    void aVaeDrawsFromItsPriorReproduciblyAndRefusesUnitOptions() throws Exception {
        Path first = dir.resolve("vae-a");
        Path second = dir.resolve("vae-b");
        for (Path out : List.of(first, second)) {
            Run run = generate("--checkpoint", vae.toString(), "--count", "4", "--out", out.toString(), "--seed", "2");
            assertThat(run.exitCode()).as(run.err()).isZero();
        }
        assertThat(files(first)).extracting(p -> p.getFileName().toString()).containsExactly("sample-000.png",
                "sample-001.png", "sample-002.png", "sample-003.png", "samples.png");
        DecodedImage image = ImageCodec.decode(Files.readAllBytes(first.resolve("sample-003.png")));
        assertThat(image.channels()).isEqualTo(1);
        assertThat(image.height()).isEqualTo(SIDE);
        assertThat(image.width()).isEqualTo(SIDE);
        assertThat(Files.readAllBytes(second.resolve("samples.png")))
                .isEqualTo(Files.readAllBytes(first.resolve("samples.png")));

        Path out = dir.resolve("vae-refused");
        expectRefusal("--unit: a VAE has no units, it draws from its prior N(0, I)",
                "--checkpoint", vae.toString(), "--unit", "0,0", "--out", out.toString());
        expectRefusal("--grid: a VAE has no units", "--checkpoint", vae.toString(), "--grid", "--out", out.toString());
        expectRefusal("--sigma: a VAE draws from its prior N(0, I)",
                "--checkpoint", vae.toString(), "--sigma", "1", "--out", out.toString());
        assertThat(out).doesNotExist();
    }

    @Test
    void aCorruptCheckpointFailsNamingTheProblem() throws Exception {
        Path corrupt = dir.resolve("corrupt");
        Files.createDirectories(corrupt);
        Files.writeString(corrupt.resolve("config.yaml"), TINY_GEN_SOM.yaml());
        // No manifest: an incomplete write.
        Run run = generate("--checkpoint", corrupt.toString(), "--unit", "0,0", "--sigma", "1", "--out",
                dir.resolve("from-corrupt").toString());
        assertThat(run.exitCode()).isNotZero();
        assertThat(run.err()).contains("manifest.json is missing");
    }

    private static void expectRefusal(String message, String... args) {
        Run run = generate(args);
        assertThat(run.exitCode()).as(String.join(" ", args)).isEqualTo(2);
        assertThat(run.err()).as(String.join(" ", args)).contains(message);
    }
}
