package io.vitsom.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** One training step of the Java model against the PyTorch reference (needs Debian's python3-torch; CI installs it). */
class CheckReferenceTest {

    private static Path repo() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.exists(p.resolve("bench/reference/vitsom_ref.py"))) {
                return p;
            }
        }
        throw new IllegalStateException("repository root not found");
    }

    private static boolean torchAvailable() {
        return PythonReference.hasTorch(Path.of("/usr/bin/python3"));
    }

    private static JsonNode check(String config, Path out) throws IOException {
        System.setProperty("vitsom.home", repo().toString());
        int code = new CommandLine(new CheckReferenceCommand()).execute("--config",
                repo().resolve("configs").resolve(config).toString(), "--batch", "16", "--seed", "3", "--out", out.toString());
        JsonNode report = BenchReport.JSON.readTree(out.resolve("check-reference.json").toFile());
        assertThat(code).as(report.toPrettyString()).isZero();
        return report;
    }

    @Test
    void mnistStepMatchesPyTorch(@TempDir Path tmp) throws IOException {
        assumeTrue(torchAvailable(), "Debian's python3-torch is not installed");
        JsonNode r = check("vit_som_mnist.yaml", tmp);
        assertThat(r.path("pass").asBoolean()).isTrue();
        assertThat(r.path("bmu").path("mismatches_not_ties").asInt()).isZero();
        assertThat(r.path("losses").path("recon_loss").path("relative_error").asDouble()).isLessThan(1e-4);
        assertThat(r.path("params_relative_error").asDouble()).isLessThan(1e-4);
    }

    @Test
    void cifarClassificationStepMatchesPyTorch(@TempDir Path tmp) throws IOException {
        assumeTrue(torchAvailable(), "Debian's python3-torch is not installed");
        JsonNode r = check("vit_som_cifar-10.yaml", tmp);
        assertThat(r.path("pass").asBoolean()).isTrue();
        assertThat(r.path("losses").path("cls_loss").path("relative_error").asDouble()).isLessThan(1e-4);
        assertThat(r.path("gradient_relative_error").asDouble()).isLessThan(1e-4);
    }

    @Test
    void urlSomStepMatchesPyTorch(@TempDir Path tmp) throws IOException {
        assumeTrue(torchAvailable(), "Debian's python3-torch is not installed");
        JsonNode r = check("url_som_mnist.yaml", tmp);
        assertThat(r.path("model_arch").asText()).isEqualTo("url_som");
        assertThat(r.path("pass").asBoolean()).isTrue();
        assertThat(r.path("logits_relative_error").asDouble()).isLessThan(1e-4);
        assertThat(r.path("losses").path("wta_plus_collapse").path("relative_error").asDouble()).isLessThan(1e-4);
        assertThat(r.path("params_relative_error").asDouble()).isLessThan(1e-4);
    }
}
