package io.vitsom.bench.suite;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.vitsom.bench.Protocol;
import io.vitsom.bench.RunMetrics;
import io.vitsom.bench.classify.ClassificationRunMetrics;
import io.vitsom.bench.suite.SuiteDatasets.Skipped;
import io.vitsom.bench.suite.SuiteDatasets.Task;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SuiteReportTest {
    static final double NAN = Double.NaN;

    static SuiteRun clustering(String model, String dataset, int epochs, double... purityTest) {
        List<double[]> runs = new java.util.ArrayList<>();
        for (double p : purityTest) {
            // RunMetrics.KEYS order: own metrics, then MapQuality's (grouped, QE/TE, trust/NP, k-means on the latent,
            // neural selectivity, dead units).
            runs.add(new double[] {p + 0.01, 0.8, p, 0.7, NAN, NAN, 120, 2.5, 500, 1500,
                    p - 0.2, 0.5, p - 0.1, 0.6, 0.3, 0.1, 0.9, 0.85, p - 0.3, 0.4, 0.8, 12});
        }
        return new SuiteRun(model, dataset, Task.CLUSTERING, epochs, 0, runs.size(), 480, 5_000_000,
                SuiteRun.stats(RunMetrics.KEYS, runs, false), SuiteRun.stats(RunMetrics.KEYS, runs, true),
                "out/" + dataset + "-" + model);
    }

    static SuiteReport report() {
        List<double[]> cls = List.<double[]>of(new double[] {0.55, 0.5, 0.5, 0.5, 0.56, 300, 100, 4, 2500, 3000});
        SuiteRun cifar = new SuiteRun("vit_som_cls", "cifar-10-jpg", Task.CLASSIFICATION, 2, 0, 1, 110, 5_400_000,
                SuiteRun.stats(ClassificationRunMetrics.KEYS, cls, false),
                SuiteRun.stats(ClassificationRunMetrics.KEYS, cls, true), "out/cifar-10-jpg-vit_som_cls");
        return new SuiteReport(
                List.of(clustering("vit_som", "mnist", 3, 0.90, 0.92), clustering("som", "mnist", 5, 0.70), cifar),
                List.of(new Skipped("*", "fashion-mnist", Task.CLUSTERING, "not found: no non-empty folder d/fashion-mnist"),
                        new Skipped("vit_som_24", "usps", Task.CLUSTERING, "no 24x24 config c/vit_som_usps_24.yaml"),
                        new Skipped("*", "cifar-100", Task.CLASSIFICATION, "not found: no non-empty folder d/cifar-100")),
                List.of(new SuiteReport.Failure("vit_som", "usps", Task.CLUSTERING, "IllegalArgumentException: bad shape")),
                "test machine", 60.0, "abc1234", Protocol.SPLIT);
    }

    @Test
    void thePaperNumbersComeFromTheBenches() {
        assertThat(PaperLookup.clusteringPurity("vit_som", "mnist")).contains("0.955 ± 0.001");
        assertThat(PaperLookup.clusteringPurity("vit_som_24", "fashion-mnist")).contains("0.817 ± 0.002");
        assertThat(PaperLookup.clusteringPurity("som", "usps")).contains("0.732 ± 0.009");
        assertThat(PaperLookup.clusteringPurity("vit_som", "cifar-10")).isEmpty();
        assertThat(PaperLookup.clusteringPurity("desom", "fashion-mnist")).contains("0.751");
        assertThat(PaperLookup.clusteringPurity("som_vae", "usps")).contains("0.854");
        // Rows the paper did not run have no number: the 40x40 SOM, DESOM beyond 8x8, k-means on the latent.
        assertThat(PaperLookup.clusteringPurity("som_40", "mnist")).isEmpty();
        assertThat(PaperLookup.clusteringPurity("desom_24", "mnist")).isEmpty();
        assertThat(PaperLookup.clusteringPurity("kmeans_latent", "mnist")).isEmpty();
        // URL-SOM's paper reports neural selectivity on CIFAR-10 only: no purity anywhere, no MNIST/FMNIST/USPS numbers.
        assertThat(PaperLookup.clusteringPurity("url_som", "cifar-10")).isEmpty();
        assertThat(PaperLookup.clusteringPurity("url_som", "mnist")).isEmpty();
        assertThat(PaperLookup.neuralSelectivity("url_som", "cifar-10-jpg")).contains("NS 0.703-0.733 (seed)");
        assertThat(PaperLookup.neuralSelectivity("url_som", "cifar-10")).contains("NS 0.703-0.733 (seed)");
        assertThat(PaperLookup.neuralSelectivity("url_som", "mnist")).isEmpty();
        assertThat(PaperLookup.neuralSelectivity("vit_som", "cifar-10")).isEmpty();
        assertThat(PaperLookup.classificationAccuracy("vit_som_cls", "cifar-10-jpg")).contains("0.920");
        assertThat(PaperLookup.classificationAccuracy("vit", "cifar-100")).contains("0.604");
    }

    @Test
    void suiteMdHasThePapersTwoTablesWithOurNumbersBesideThePapers() {
        String md = report().markdown();
        assertThat(md).contains("Budget 60 min of wall time for the whole suite");
        assertThat(md).contains("| Model | mnist | fashion-mnist | usps | cifar-10 |");
        assertThat(md).contains("| vit_som | 0.910 ± 0.014 (3 ep) / 0.955 ± 0.001 | skipped / 0.841 ± 0.006 "
                + "| failed (see below) |");
        assertThat(md).contains("| vit_som_24 | - / 0.936 ± 0.003 | skipped / 0.817 ± 0.002 | skipped / 0.935 ± 0.006 |");
        assertThat(md).contains("| som | 0.700 ± 0.000 (5 ep) / 0.711 ± 0.005 |");
        assertThat(md).contains("| desom | - / 0.934 | skipped / 0.751 | - / 0.857 |");
        assertThat(md).contains("| som_vae | - / 0.868 | skipped / 0.739 | - / 0.854 |");
        assertThat(md).contains("| kmeans_latent | - | skipped | - |");
        // url_som is a wired row now (on CIFAR-10 too); the paper gives it no purity.
        assertThat(md).contains("| url_som | - | skipped | - | - |");
        assertThat(md).doesNotContain(SuiteDatasets.NOT_WIRED_REASON);
        assertThat(md).contains("| Model | cifar-10 | cifar-100 | svhn | flowers-17 |");
        assertThat(md).contains("| vit_som_cls | 0.550 ± 0.000 (2 ep) / 0.920 | skipped / 0.683 | - | - |");
        assertThat(md).contains("| vit | - / 0.901 | skipped / 0.604 | - | - |");
        // The fair-comparison table: purity with units as clusters, then after Ward grouping, then map quality.
        assertThat(md).contains("| vit_som | mnist | 0.910 ± 0.014 | 0.710 ± 0.014 | 0.500 ± 0.000 | 0.810 ± 0.014 "
                + "| 0.300 ± 0.000 | 0.100 ± 0.000 | 0.900 ± 0.000 | 0.850 ± 0.000 | 0.800 ± 0.000 | 12.0 ± 0.0 |");
        assertThat(md).contains("| vit_som | mnist | 3 | 2 | 480 | 5.00M | 120.0 ± 0.0 | 2.50 ± 0.00 | 1500 | `out/mnist-vit_som` |");
        assertThat(md).contains("| vit_som_cls | cifar-10-jpg | 2 | 1 | 110 | 5.40M | 300.0 ± 0.0 | 4.00 ± 0.00 | 3000 |");
        assertThat(md).contains("- fashion-mnist: not found: no non-empty folder d/fashion-mnist");
        assertThat(md).contains("- usps / vit_som_24: no 24x24 config");
        assertThat(md).contains("## Failed\n\n- usps / vit_som: IllegalArgumentException: bad shape");
    }

    @Test
    void suiteJsonListsRunsSkippedAndTheirContext(@TempDir Path tmp) throws Exception {
        report().write(tmp);
        JsonNode root = SuiteReport.JSON.readTree(tmp.resolve("suite.json").toFile());
        assertThat(Files.readString(tmp.resolve("suite.md"))).isEqualTo(report().markdown());
        assertThat(root.get("runs")).hasSize(3);
        JsonNode run = root.get("runs").get(0);
        assertThat(run.get("model").asText()).isEqualTo("vit_som");
        assertThat(run.get("dataset").asText()).isEqualTo("mnist");
        assertThat(run.get("epochs").asInt()).isEqualTo(3);
        assertThat(run.get("seed").asLong()).isZero();
        assertThat(run.get("runs").asInt()).isEqualTo(2);
        assertThat(run.get("metrics").get("purity_test").asDouble()).isEqualTo(0.91, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(run.get("metrics").get("purity_all").isNull()).isTrue();
        assertThat(run.get("metrics_std").get("purity_test").asDouble()).isEqualTo(Math.sqrt(0.0002), org.assertj.core.data.Offset.offset(1e-12));
        assertThat(run.get("paper").asText()).isEqualTo("0.955 ± 0.001");
        JsonNode cls = root.get("runs").get(2);
        assertThat(cls.get("metrics").get("accuracy").asDouble()).isEqualTo(0.55);
        assertThat(cls.get("task").asText()).isEqualTo("classification");
        assertThat(root.get("skipped")).hasSize(3);
        assertThat(root.get("skipped").get(1).get("model").asText()).isEqualTo("vit_som_24");
        assertThat(root.get("failed").get(0).get("reason").asText()).contains("bad shape");
        assertThat(root.get("not_wired").toString()).isEqualTo("[]");
        assertThat(run.get("paper_neural_selectivity").isNull()).isTrue();
        assertThat(root.get("protocol").asText()).isEqualTo("split");
        assertThat(run.get("metrics").get("purity_k_classes").asDouble()).isEqualTo(0.71, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(root.get("machine").asText()).isEqualTo("test machine");
        assertThat(root.get("budget_minutes").asDouble()).isEqualTo(60.0);
        assertThat(root.get("code_version").asText()).isEqualTo("abc1234");
    }

    @Test
    void aBudgetedSuiteWritesItsPlanAndEachCellsPlannedAndActualSeconds(@TempDir Path tmp) throws Exception {
        BudgetSplit.CellCost vitCost = new BudgetSplit.CellCost("mnist", "vit_som", 60, 100, 1, 10, 5,
                List.of(new BudgetSplit.EvalSet("test split", 10_000, 0.01)), 1000);
        BudgetSplit.CellCost desomCost = new BudgetSplit.CellCost("mnist", "desom", 5000, 100, 1, 0, 0,
                List.of(new BudgetSplit.EvalSet("test split", 10_000, 0.01)), 1000);
        List<BudgetSplit.CellPlan> plan = List.of(
                new BudgetSplit.CellPlan(vitCost, 3, 4000, 180, 55, null),
                new BudgetSplit.CellPlan(desomCost, 0, null, 0, 0, "budget: too slow"));
        SuiteRun vit = clustering("vit_som", "mnist", 3, 0.9)
                .withBudget(new SuiteRun.Budget(12, 180, 55, 250, 4000));
        SuiteReport r = new SuiteReport(List.of(vit), List.of(new Skipped("desom", "mnist", Task.CLUSTERING,
                "budget: too slow")), List.of(), "m", 5.0, "v", Protocol.SPLIT, null,
                new SuiteReport.BudgetSummary(300, 30, plan, 290));
        r.write(tmp);
        JsonNode root = SuiteReport.JSON.readTree(tmp.resolve("suite.json").toFile());
        JsonNode budget = root.get("budget");
        assertThat(budget.get("budget_seconds").asDouble()).isEqualTo(300);
        assertThat(budget.get("calibration_seconds").asDouble()).isEqualTo(30);
        assertThat(budget.get("expected_seconds").asDouble()).isEqualTo(30 + 180 + 55);
        assertThat(budget.get("elapsed_seconds").asDouble()).isEqualTo(290);
        assertThat(budget.get("plan").get(0).get("eval_limit").asInt()).isEqualTo(4000);
        assertThat(budget.get("plan").get(1).get("skipped").asText()).isEqualTo("budget: too slow");
        JsonNode cell = root.get("runs").get(0).get("budget");
        assertThat(cell.get("planned_train_seconds").asDouble()).isEqualTo(180);
        assertThat(cell.get("planned_eval_seconds").asDouble()).isEqualTo(55);
        assertThat(cell.get("planned_seconds").asDouble()).isEqualTo(235);
        assertThat(cell.get("actual_seconds").asDouble()).isEqualTo(250);
        assertThat(cell.get("actual_train_seconds").asDouble()).isEqualTo(120);
        assertThat(cell.get("calibration_seconds").asDouble()).isEqualTo(12);
        assertThat(cell.get("eval_limit").asInt()).isEqualTo(4000);
        String md = r.markdown();
        assertThat(md).contains("## Time budget")
                .contains("Budget 5.0 min; calibration 0.5 min; expected after the calibration 4.4 min in all; 4.8 min "
                        + "used")
                .contains("| mnist | vit_som | 3 | first 4000 | 180 | 55 |")
                .contains("| mnist | desom | skipped | - | 0 | 0 |")
                .contains("| vit_som | mnist | 3 | first 4000 | 12 | 180 | 55 | 120 | 250 |")
                .contains("**Evaluated on a subsample** to fit the budget")
                .contains("mnist / vit_som: the first 4000 images of each evaluated set")
                .contains("- mnist / desom: budget: too slow");
        // Without a budget there is no budget object and no budget section.
        assertThat(report().json().get("budget").isNull()).isTrue();
        assertThat(report().markdown()).doesNotContain("## Time budget");
    }

    @Test
    void theUrlSomRowShowsTheSeedsNeuralSelectivityBesideOursOnCifar10() {
        SuiteRun cifar = clustering("url_som", "cifar-10-jpg", 2, 0.45);
        SuiteRun mnist = clustering("url_som", "mnist", 3, 0.70);
        SuiteReport r = new SuiteReport(List.of(mnist, cifar), List.of(), List.of(), "m", null, "v", Protocol.SPLIT);
        String md = r.markdown();
        // The clustering table: our purity, no paper purity (the seed reports NS only), CIFAR-10 in its own column.
        assertThat(md).contains("| url_som | 0.700 ± 0.000 (3 ep) / - | - | - | 0.450 ± 0.000 (2 ep) / - |")
                .contains("its paper reports neural selectivity only, on CIFAR-10")
                .contains("NS 0.703-0.733 (seed)");
        // The fair-comparison table: the seed's NS beside our neural_selectivity on CIFAR-10 only; purity/NMI bare.
        assertThat(md).contains("| url_som | cifar-10-jpg | 0.450 ± 0.000 | 0.250 ± 0.000 | 0.500 ± 0.000 "
                + "| 0.350 ± 0.000 | 0.300 ± 0.000 | 0.100 ± 0.000 | 0.900 ± 0.000 | 0.850 ± 0.000 "
                + "| 0.800 ± 0.000 / NS 0.703-0.733 (seed) | 12.0 ± 0.0 |");
        assertThat(md).contains("| url_som | mnist | 0.700 ± 0.000 | 0.500 ± 0.000 | 0.500 ± 0.000 | 0.600 ± 0.000 "
                + "| 0.300 ± 0.000 | 0.100 ± 0.000 | 0.900 ± 0.000 | 0.850 ± 0.000 | 0.800 ± 0.000 | 12.0 ± 0.0 |");
        JsonNode runs = r.json().get("runs");
        assertThat(runs.get(1).get("paper").isNull()).isTrue();
        assertThat(runs.get(1).get("paper_neural_selectivity").asText()).isEqualTo("NS 0.703-0.733 (seed)");
        assertThat(runs.get(0).get("paper_neural_selectivity").isNull()).isTrue();
    }

    @Test
    void aClusteringOnlySuiteHasNoClassificationTable() {
        SuiteReport r = new SuiteReport(List.of(clustering("vit_som", "mnist", 1, 0.5)), List.of(), List.of(), "m",
                null, "v", Protocol.SPLIT);
        assertThat(r.markdown()).contains("No budget").contains("## Clustering").doesNotContain("## Classification");
    }

    @Test
    void kmeansLatentIsTheVitSomRunsKmeansOnTheProtocolsEvaluatedSet() {
        SuiteRun k = SuiteRun.kmeansLatent(clustering("vit_som", "mnist", 3, 0.90, 0.92));
        assertThat(k.model()).isEqualTo("kmeans_latent");
        assertThat(k.mean("purity_test")).isCloseTo(0.61, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(k.mean("nmi_test")).isEqualTo(0.4);
        assertThat(k.std("purity_test")).isCloseTo(Math.sqrt(0.0002), org.assertj.core.data.Offset.offset(1e-12));
        // Nothing else of the map carries over, except what the run cost.
        assertThat(k.mean("purity_train")).isNaN();
        assertThat(k.mean("purity_k_classes")).isNaN();
        assertThat(k.mean("train_seconds")).isEqualTo(120);
    }

    @Test
    void theReferenceProtocolReportsPurityOnTrainPlusTest() {
        List<double[]> runs = List.<double[]>of(new double[] {NAN, NAN, NAN, NAN, 0.93, 0.85, 120, 2.5, 500, 1500,
                0.8, 0.7, 0.85, 0.75, 0.3, 0.1, 0.9, 0.85, 0.6, 0.5, 0.8, 12});
        SuiteRun vit = new SuiteRun("vit_som", "mnist", Task.CLUSTERING, 4, 0, 1, 480, 5_000_000,
                SuiteRun.stats(RunMetrics.KEYS, runs, false), SuiteRun.stats(RunMetrics.KEYS, runs, true), "o");
        SuiteReport r = new SuiteReport(List.of(vit, SuiteRun.kmeansLatent(vit)), List.of(), List.of(), "m", null, "v",
                Protocol.REFERENCE);
        assertThat(r.markdown()).contains("purity on train+test after training on train+test")
                .contains("| vit_som | 0.930 ± 0.000 (4 ep) / 0.955 ± 0.001 |")
                .contains("| kmeans_latent | 0.600 ± 0.000 (4 ep) / - |");
    }
}
