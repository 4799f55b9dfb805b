package io.vitsom.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vitsom.stream.http.BearerAuth;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code vitsom run}'s one {@code --host} and {@code --auth-token-file} for all its servers. */
class RunCommandTest {
    @Test
    void everyServerOfRunBindsThisMachineOnlyByDefault() {
        RunCommand command = new RunCommand();
        new CommandLine(command).parseArgs();
        assertThat(command.httpOptions.host()).isEqualTo("127.0.0.1");
        assertThat(command.httpOptions.auth().enabled()).isFalse();
        assertThat(Pipeline.Http.loopback()).isEqualTo(new Pipeline.Http("127.0.0.1", BearerAuth.none()));
    }

    @Test
    void aWildcardAddressIsShownAsTheLoopbackAddressInPrintedLinks() {
        assertThat(new Pipeline.Http("0.0.0.0", BearerAuth.none()).shownHost()).isEqualTo("127.0.0.1");
        assertThat(new Pipeline.Http("10.0.0.5", BearerAuth.none()).shownHost()).isEqualTo("10.0.0.5");
        assertThatThrownBy(() -> new Pipeline.Http(" ", BearerAuth.none())).hasMessage("host must not be blank");
    }

    @Test
    void aDatasetThatDoesNotFitTheNamedConfigFailsAtOnceNamingBothShapes(@org.junit.jupiter.api.io.TempDir
                                                                           java.nio.file.Path tmp) throws Exception {
        java.nio.ByteBuffer idx = java.nio.ByteBuffer.allocate(16 + 2 * 16 * 16);
        idx.putInt(0x00000803).putInt(2).putInt(16).putInt(16);
        java.nio.file.Files.write(tmp.resolve("train-images-idx3-ubyte"), idx.array());
        RunCommand command = new RunCommand();
        new CommandLine(command).parseArgs("--data", tmp.toString(), "--config", "../configs/vit_som_mnist.yaml",
                "--work-dir", tmp.resolve("work").toString());

        long started = System.nanoTime();
        assertThatThrownBy(command::call).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("the dataset's images are 1x16x16 but ../configs/vit_som_mnist.yaml reads "
                        + "1x28x28")
                .hasMessageContaining("vit_som_usps.yaml")
                .hasMessageContaining("--resize");
        // Nothing was started: no broker data under the work directory, and no waiting.
        assertThat(tmp.resolve("work")).doesNotExist();
        assertThat(System.nanoTime() - started).isLessThan(java.util.concurrent.TimeUnit.SECONDS.toNanos(10));
    }
}
