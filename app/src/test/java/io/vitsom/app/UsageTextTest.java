package io.vitsom.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Every help text of every command renders without a picocli warning. Picocli passes descriptions through
 * {@code String.format} (so that {@code %n} breaks lines); a bare {@code %} in one ("5% below") makes it print a
 * warning before the usage, which users saw on every {@code --help} of the learner commands.
 */
class UsageTextTest {
    @Test
    void everyUsageMessageRendersWithoutAWarning() {
        // Picocli's tracer writes to whatever System.err is when it warns (unless a program configured it).
        PrintStream original = System.err;
        ByteArrayOutputStream warnings = new ByteArrayOutputStream();
        System.setErr(new PrintStream(warnings, true, StandardCharsets.UTF_8));
        int rendered;
        try {
            rendered = render(new CommandLine(new Main()));
        } finally {
            System.setErr(original);
        }
        assertThat(rendered).as("commands rendered").isGreaterThan(10);
        assertThat(warnings.toString(StandardCharsets.UTF_8)).isEmpty();
    }

    private static int render(CommandLine command) {
        assertThat(command.getUsageMessage()).isNotBlank();
        int count = 1;
        for (CommandLine sub : command.getSubcommands().values()) {
            count += render(sub);
        }
        return count;
    }
}
