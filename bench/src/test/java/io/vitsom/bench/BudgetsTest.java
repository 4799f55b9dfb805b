package io.vitsom.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.vitsom.model.config.ConfigLoader;
import io.vitsom.model.config.VitSomConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

class BudgetsTest {

    @Test
    void warmUpKeepsItsShareOfTheRun() {
        VitSomConfig config = ConfigLoader.parse(BenchRoundTripTest.TINY.replace("total_epochs: 2", "total_epochs: 500")
                .replace("warmup_epochs: 1", "warmup_epochs: 25"), "tiny");
        VitSomConfig six = Budgets.scaleToEpochs(config, 6);
        assertThat(six.totalEpochs()).isEqualTo(6);
        // 25 of 500 epochs = 5%; 5% of 6 epochs = 0.3
        assertThat(six.optimizer().warmupEpochs()).isCloseTo(0.3, within(1e-12));
        assertThat(six.optimizer().lr()).isEqualTo(config.optimizer().lr());
        assertThat(Budgets.scaleToEpochs(config, 500)).isSameAs(config);
    }

    @Test
    void meanAndSampleStandardDeviationOverRuns() {
        RunMetrics a = run(0, 0.90);
        RunMetrics b = run(1, 0.94);
        BenchReport report = new BenchReport("vit_som", "c.yaml", "mnist", Protocol.SPLIT, 1, null, 10, 16, "cpu()",
                "test", 5, List.of(a, b));
        // purity_train: mean (0.90 + 0.94) / 2 = 0.92; sample std sqrt(((-0.02)^2 + 0.02^2) / 1) = 0.0282843
        assertThat(report.stat(false)[0]).isCloseTo(0.92, within(1e-12));
        assertThat(report.stat(true)[0]).isCloseTo(0.0282843, within(1e-6));
        // purity_all is not measured under the split protocol: NaN, written as null
        assertThat(report.stat(false)[4]).isNaN();
        assertThat(report.json().path("mean").path("purity_all").isNull()).isTrue();
        assertThat(report.markdown()).contains("0.920 ± 0.028");
    }

    private static RunMetrics run(long seed, double purity) {
        return new RunMetrics(seed, purity, 0.5, purity, 0.5, Double.NaN, Double.NaN, 10, 1, 100, 500,
                List.of(new RunMetrics.EpochLog(1, 0.1, purity, 0.5, 10)), io.vitsom.bench.maps.MapQuality.NONE);
    }
}
