package io.vitsom.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The command line's shape: subcommands, defaults and parsing (running them needs a broker; see the other tests). */
class IngestCommandTest {
    private static CommandLine cli() {
        return new CommandLine(new IngestCommand());
    }

    @Test
    void ingestHasTheFourSubcommands() {
        assertThat(cli().getSubcommands()).containsOnlyKeys("replay", "watch", "http", "validate");
    }

    @Test
    void defaultsAreTheDocumentedOnes() {
        CommandLine cli = cli();
        cli.parseArgs("replay");
        ReplayCommand replay = cli.getSubcommands().get("replay").getCommand();
        assertThat(replay.kafka.bootstrap()).isEqualTo("127.0.0.1:9092");
        assertThat(replay.split).isEqualTo("train");
        assertThat(replay.rate).isZero();
        assertThat(replay.topic).isEqualTo("images");

        cli.parseArgs("validate");
        ValidateCommand validate = cli.getSubcommands().get("validate").getCommand();
        assertThat(validate.config).isEqualTo(Path.of("configs/vit_som_mnist.yaml"));
        assertThat(validate.applicationId).isEqualTo("vitsom-validation");
        assertThat(validate.convert).isFalse();

        cli.parseArgs("http");
        HttpCommand http = cli.getSubcommands().get("http").getCommand();
        assertThat(http.port).isEqualTo(8081);
        assertThat(http.maxBytes).isEqualTo(10 * 1024 * 1024);
    }

    @Test
    void optionsParse() {
        CommandLine cli = cli();
        cli.parseArgs("replay", "--bootstrap", "kafka:9093", "--data", "d", "--split", "all", "--limit", "100",
                "--rate", "12.5", "--loop", "--topic", "raw");
        ReplayCommand replay = cli.getSubcommands().get("replay").getCommand();
        assertThat(replay.kafka.clients().bootstrapServers()).isEqualTo("kafka:9093");
        assertThat(replay.data).isEqualTo(Path.of("d"));
        assertThat(replay.limit).isEqualTo(100);
        assertThat(replay.rate).isEqualTo(12.5);
        assertThat(replay.loop).isTrue();

        cli.parseArgs("validate", "--convert", "--resize", "--dlq-topic", "bad");
        ValidateCommand validate = cli.getSubcommands().get("validate").getCommand();
        assertThat(validate.convert).isTrue();
        assertThat(validate.resize).isTrue();
        assertThat(validate.dlqTopic).isEqualTo("bad");

        cli.parseArgs("watch", "inbox", "--poll-ms", "500");
        WatchCommand watch = cli.getSubcommands().get("watch").getCommand();
        assertThat(watch.directory).isEqualTo(Path.of("inbox"));
        assertThat(watch.pollMillis).isEqualTo(500);
    }

    @Test
    void ingestAloneShowsItsUsage() {
        StringWriter out = new StringWriter();
        CommandLine cli = cli();
        cli.setOut(new PrintWriter(out));
        assertThat(cli.execute()).isZero();
        assertThat(out.toString()).contains("replay").contains("watch").contains("http").contains("validate");
    }

    @Test
    void replayRefusesADatasetThatDoesNotFitTheNamedConfigBeforeContactingKafka(@org.junit.jupiter.api.io.TempDir
                                                                                Path tmp) throws Exception {
        java.nio.ByteBuffer idx = java.nio.ByteBuffer.allocate(16 + 16 * 16);
        idx.putInt(0x00000803).putInt(1).putInt(16).putInt(16);
        java.nio.file.Files.write(tmp.resolve("train-images-idx3-ubyte"), idx.array());
        StringWriter err = new StringWriter();
        CommandLine cli = cli();
        cli.getSubcommands().get("replay").setErr(new PrintWriter(err));

        int code = cli.execute("replay", "--bootstrap", "127.0.0.1:1", "--data", tmp.toString(), "--config",
                "../configs/vit_som_mnist.yaml");

        assertThat(code).isEqualTo(2);
        assertThat(err.toString().strip()).startsWith("error: the images of " + tmp + " are 1x16x16 but "
                + "../configs/vit_som_mnist.yaml reads 1x28x28").contains("--resize").doesNotContain("\n");
    }
}
