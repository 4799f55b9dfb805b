package io.vitsom.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.IllegalFormatException;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Every help text of every command renders as written. Picocli passes descriptions through {@code String.format} (so
 * that {@code %n} breaks lines); a bare {@code %} in one ("5% below") makes it print a warning before the usage and
 * show the raw text, which users saw on every {@code --help} of the learner commands.
 */
class UsageTextTest {
    @Test
    void everyDescriptionIsAValidFormatString() {
        List<String> broken = new ArrayList<>();
        collect(new CommandLine(new Main()), broken);
        assertThat(broken).isEmpty();
    }

    private static void collect(CommandLine command, List<String> broken) {
        CommandSpec spec = command.getCommandSpec();
        check(spec.qualifiedName(), spec.usageMessage().description(), broken);
        for (ArgSpec arg : spec.args()) {
            check(spec.qualifiedName() + " " + arg.paramLabel(), arg.description(), broken);
        }
        for (CommandLine sub : command.getSubcommands().values()) {
            collect(sub, broken);
        }
    }

    private static void check(String where, String[] lines, List<String> broken) {
        for (String line : lines) {
            try {
                String.format(line);
            } catch (IllegalFormatException e) {
                broken.add(where + ": " + line + " (" + e + ")");
            }
        }
    }
}
