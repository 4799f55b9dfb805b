package io.vitsom.bench;

import io.vitsom.bench.suite.BenchSuiteCommand;
import java.util.Arrays;
import picocli.CommandLine;

/**
 * The {@code main} of the child JVMs of {@link CleanStopTest}: runs one benchmark command the way {@code vitsom}'s
 * Main does ({@code System.exit} of picocli's result), so a signal meets the same exit sequence as in production.
 */
final class CommandChild {
    private CommandChild() {
    }

    public static void main(String[] args) {
        Object command = switch (args[0]) {
            case "bench" -> new BenchCommand();
            case "bench-suite" -> new BenchSuiteCommand();
            case "bench-step" -> new BenchStepCommand();
            default -> throw new IllegalArgumentException("unknown command " + args[0]);
        };
        System.exit(new CommandLine(command).execute(Arrays.copyOfRange(args, 1, args.length)));
    }
}
