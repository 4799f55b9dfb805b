package io.vitsom.learner;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vitsom.model.metrics.TopologyMetrics;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The names Prometheus sees: the learner's documented ones and the prototype-drift gauges. */
class LearnerMetricsTest {
    @Test
    void prototypeDriftGaugesExportUnderTheirContractNamesNaNUntilAVersionHasAPredecessor() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try {
            LearnerMetrics metrics = new LearnerMetrics(registry);
            assertThat(registry.scrape()).contains("vitsom_som_prototype_drift_mean NaN")
                    .contains("vitsom_som_prototype_drift_max NaN");

            metrics.drift(new TopologyMetrics.Drift(0.125, 0.5));

            String scrape = registry.scrape();
            assertThat(scrape).contains("# TYPE vitsom_som_prototype_drift_mean gauge")
                    .contains("# TYPE vitsom_som_prototype_drift_max gauge")
                    .contains("vitsom_som_prototype_drift_mean 0.125")
                    .contains("vitsom_som_prototype_drift_max 0.5");
            Set<String> names = new TreeSet<>();
            for (String line : scrape.split("\n")) {
                if (line.startsWith("vitsom_")) {
                    names.add(line.split("[ {]", 2)[0]);
                }
            }
            assertThat(names).contains("vitsom_som_prototype_drift_mean", "vitsom_som_prototype_drift_max",
                    "vitsom_learner_images_total", "vitsom_learner_model_version",
                    "vitsom_learner_checkpoint_age_seconds", "vitsom_learner_loss", "vitsom_learner_temperature",
                    "vitsom_learner_rejected_images_total", "vitsom_learner_step_seconds_count");
        } finally {
            registry.close();
        }
    }
}
