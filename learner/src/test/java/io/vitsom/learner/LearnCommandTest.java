package io.vitsom.learner;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The HTTP options of {@code vitsom learn} (its {@code /health} and {@code /metrics} server). */
class LearnCommandTest {
    @Test
    void statusServerBindsThisMachineOnlyUnlessHostSaysOtherwise() {
        LearnCommand plain = new LearnCommand();
        new CommandLine(plain).parseArgs();
        assertThat(plain.httpOptions.host()).isEqualTo("127.0.0.1");
        assertThat(plain.httpOptions.auth().enabled()).isFalse();

        LearnCommand open = new LearnCommand();
        new CommandLine(open).parseArgs("--host", "0.0.0.0");
        assertThat(open.httpOptions.host()).isEqualTo("0.0.0.0");
    }

    @Test
    void authTokenFileIsReadIntoTheStatusServersAuth(@TempDir Path dir) throws Exception {
        Path token = Files.writeString(dir.resolve("token"), "learner-token\n");
        LearnCommand command = new LearnCommand();
        new CommandLine(command).parseArgs("--auth-token-file", token.toString());
        assertThat(command.httpOptions.auth().accepts("Bearer learner-token")).isTrue();
    }
}
