package io.vitsom.ingest;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code vitsom ingest}: the ways images get into Kafka ({@code replay}, {@code watch}, {@code http}) and the
 * validation service ({@code validate}). Each subcommand runs until it is done or Ctrl-C.
 */
@Command(name = "ingest", mixinStandardHelpOptions = true,
        description = "Get images into Kafka and validate them: replay a dataset, watch a folder, take HTTP uploads, "
                + "run the validation service.",
        subcommands = {ReplayCommand.class, WatchCommand.class, HttpCommand.class, ValidateCommand.class})
public final class IngestCommand implements Runnable {
    /** Exit code of a command that stopped because Kafka failed (the message was printed). */
    static final int KAFKA_FAILURE = 1;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Prints a Kafka failure as one line, the way the launcher prints configuration errors. */
    static int kafkaFailure(CommandLine commandLine, RuntimeException e) {
        commandLine.getErr().println("error: " + e.getMessage());
        return KAFKA_FAILURE;
    }
}
