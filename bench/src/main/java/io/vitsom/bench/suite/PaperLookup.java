package io.vitsom.bench.suite;

import io.vitsom.bench.PaperNumbers;
import io.vitsom.bench.classify.ClassificationPaperNumbers;
import java.util.Optional;

/** The paper's numbers for the suite's model names, from the tables the single benches print too. */
final class PaperLookup {
    private PaperLookup() {
    }

    /**
     * The paper's purity (train+test protocol) of a clustering row: vit_som (40x40), vit_som_24, som (the paper's
     * 24x24 Kohonen SOM), desom and som_vae. Map-size variants the paper did not run (som_40, desom_24, ...) and
     * kmeans_latent have none.
     */
    static Optional<String> clusteringPurity(String model, String dataset) {
        return switch (model) {
            case "vit_som" -> PaperNumbers.purity("vit_som", dataset, "vit_som").map(PaperNumbers.Entry::purity);
            case "vit_som_24" -> PaperNumbers.purity("vit_som", dataset, "vit_som_24").map(PaperNumbers.Entry::purity);
            case "som", "desom", "som_vae" -> PaperNumbers.purity(model, dataset, model).map(PaperNumbers.Entry::purity);
            default -> Optional.empty();
        };
    }

    /** The paper's test accuracy of a classification model (vit_som_cls or vit). */
    static Optional<String> classificationAccuracy(String model, String dataset) {
        return ClassificationPaperNumbers.accuracy(model, dataset);
    }
}
