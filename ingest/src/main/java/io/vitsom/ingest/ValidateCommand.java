package io.vitsom.ingest;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vitsom.model.map.MapModels;
import io.vitsom.stream.ValidationConfig;
import io.vitsom.stream.cli.HttpCliOptions;
import io.vitsom.stream.cli.ImageLimitOptions;
import io.vitsom.stream.cli.KafkaCliOptions;
import io.vitsom.stream.http.BearerAuth;
import io.vitsom.stream.http.StatusVerticle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionException;
import org.apache.kafka.common.KafkaException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code vitsom ingest validate}: the validation service. */
@Command(name = "validate", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run validation: images that decode and match the model's input go to the valid topic, "
                + "everything else to the dead-letter topic with a vitsom.dlq.reason header."})
final class ValidateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    KafkaCliOptions kafka;

    @Option(names = "--config", defaultValue = "configs/vit_som_mnist.yaml",
            description = "model config YAML whose data.num_channels and data.input_size images must match "
                    + "(default: ${DEFAULT-VALUE})")
    Path config;

    @Option(names = "--convert", description = "convert RGB to gray (or gray to RGB) instead of rejecting")
    boolean convert;

    @Option(names = "--resize", description = "resize (bilinear) to the model's size instead of rejecting")
    boolean resize;

    @Mixin
    ImageLimitOptions imageLimits = new ImageLimitOptions();

    @Option(names = "--application-id", defaultValue = ValidationServiceConfig.DEFAULT_APPLICATION_ID,
            description = "Kafka Streams application id (default: ${DEFAULT-VALUE})")
    String applicationId;

    @Option(names = "--input-topic", defaultValue = "images", description = "default: ${DEFAULT-VALUE}")
    String inputTopic;

    @Option(names = "--valid-topic", defaultValue = "images.valid", description = "default: ${DEFAULT-VALUE}")
    String validTopic;

    @Option(names = "--dlq-topic", defaultValue = "images.dlq", description = "default: ${DEFAULT-VALUE}")
    String dlqTopic;

    @Option(names = "--state-dir", description = "Kafka Streams state directory (default: java.io.tmpdir/kafka-streams)")
    Path stateDir;

    @Mixin
    HttpCliOptions httpOptions = new HttpCliOptions();

    @Option(names = "--port", defaultValue = "8083",
            description = "port of GET /health and GET /metrics, 0 = any free port (default: ${DEFAULT-VALUE})")
    int port;

    @Override
    public Integer call() throws Exception {
        BearerAuth auth = httpOptions.auth();
        ValidationConfig validation = ValidationConfig.strict(MapModels.load(resolveConfig(config)))
                .withConversions(convert, resize).withLimits(imageLimits.limits());
        ValidationServiceConfig serviceConfig = ValidationServiceConfig.of(validation)
                .withApplicationId(applicationId)
                .withTopics(TopicSetup.renamed(inputTopic, validTopic, dlqTopic));
        if (stateDir != null) {
            serviceConfig = serviceConfig.withStateDir(stateDir);
        }
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        ValidationService service = new ValidationService(serviceConfig, kafka.clients(), registry);
        Vertx vertx = Vertx.vertx();
        ShutdownHook hook = ShutdownHook.install("validation", service::close);
        try (service) {
            try {
                vertx.deployVerticle(new StatusVerticle(httpOptions.host(), port, registry, () -> health(service),
                        auth)).await();
            } catch (IllegalStateException e) {
                spec.commandLine().getErr().println("error: " + e.getMessage());
                return 2;
            }
            service.start();
            service.terminated().join();
            return 0;
        } catch (KafkaException e) {
            return IngestCommand.kafkaFailure(spec.commandLine(), e);
        } catch (CompletionException e) {
            return IngestCommand.kafkaFailure(spec.commandLine(), new KafkaException(e.getCause().getMessage(),
                    e.getCause()));
        } finally {
            hook.close();
            vertx.close().await();
        }
    }

    /** UP while the Streams application runs; DOWN with the reason otherwise ({@link ValidationService#health()}). */
    static JsonObject health(ValidationService service) {
        return service.health();
    }

    /** A relative config path that does not exist here is looked up in the checkout the launcher runs from. */
    private static Path resolveConfig(Path path) {
        String home = System.getProperty(DatasetLocator.HOME_PROPERTY);
        if (!path.isAbsolute() && !Files.exists(path) && home != null && Files.exists(Path.of(home).resolve(path))) {
            return Path.of(home).resolve(path);
        }
        return path;
    }
}
