package io.vitsom.app;

import io.vitsom.app.faults.BenchFaultsCommand;
import io.vitsom.bench.BenchCommand;
import io.vitsom.bench.BenchStepCommand;
import io.vitsom.bench.CheckReferenceCommand;
import io.vitsom.bench.EvalCommand;
import io.vitsom.bench.suite.BenchSuiteCommand;
import io.vitsom.dashboard.DashboardCommand;
import io.vitsom.ingest.IngestCommand;
import io.vitsom.learner.LearnCommand;
import io.vitsom.learner.novel.PromoteCommand;
import io.vitsom.learner.novel.ReleaseNovelCommand;
import io.vitsom.serving.ServeCommand;
import io.vitsom.model.checkpoint.CodeVersion;
import io.vitsom.model.config.ConfigException;
import java.io.IOException;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.common.KafkaException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code vitsom} command line: one subcommand per job. Wiring only; the work lives in the modules. */
@Command(name = "vitsom", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Self-organizing maps on vision transformers (ViT-SOM) over image streams, on DJL + PyTorch.",
        subcommands = {RunCommand.class, BenchStreamCommand.class, LearnCommand.class, ServeCommand.class,
                DashboardCommand.class, IngestCommand.class, BenchCommand.class, EvalCommand.class,
                BenchSuiteCommand.class, BenchFaultsCommand.class, ReleaseNovelCommand.class, PromoteCommand.class,
                BenchStepCommand.class, CheckReferenceCommand.class, io.vitsom.bench.drift.BenchDriftCommand.class,
                BenchColdStartCommand.class, GenerateCommand.class,
                CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    public static void main(String[] args) {
        CommandLine cli = new CommandLine(new Main());
        // Expected failures (bad config, missing data, corrupt files) print one clear line, not a stack trace.
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            if (cause instanceof ConfigException || cause instanceof IOException
                    || cause instanceof IllegalArgumentException || cause instanceof KafkaException
                    || cause instanceof IllegalStateException) {
                commandLine.getErr().println("error: " + cause.getMessage());
                return 2;
            }
            throw e;
        });
        System.exit(cli.execute(args));
    }

    /** Prints the code version recorded in checkpoints. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"vitsom " + CodeVersion.describe()};
        }
    }
}
