package io.vitsom.bench.suite;

import io.vitsom.bench.PaperNumbers;
import io.vitsom.bench.classify.ClassificationPaperNumbers;
import java.util.Optional;

/** The paper's numbers for the suite's model names, from the tables the single benches print too. */
final class PaperLookup {
    private PaperLookup() {
    }

    /** The paper's purity (train+test protocol) of a clustering model: vit_som, vit_som_24 or som. */
    static Optional<String> clusteringPurity(String model, String dataset) {
        String benchModel = model.equals("som") ? "som" : "vit_som";
        String configHint = model.equals("vit_som_24") ? "vit_som_24" : "vit_som";
        return PaperNumbers.purity(benchModel, dataset, configHint).map(PaperNumbers.Entry::purity);
    }

    /** The paper's test accuracy of a classification model (vit_som_cls or vit). */
    static Optional<String> classificationAccuracy(String model, String dataset) {
        return ClassificationPaperNumbers.accuracy(model, dataset);
    }
}
