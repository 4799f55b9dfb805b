package io.vitsom.bench.suite;

import io.vitsom.bench.PaperNumbers;
import io.vitsom.bench.classify.ClassificationPaperNumbers;
import java.util.Optional;

/** The paper's numbers for the suite's model names, from the tables the single benches print too. */
final class PaperLookup {
    private PaperLookup() {
    }

    /**
     * The URL-SOM seed paper's (003) neural selectivity on CIFAR-10, all 60,000 images, 30x30 map: 70.3% and 70.58%
     * (Gaussian sigma 5, Fig. 4; {@code configs/url_som_cifar-10.yaml}), 71.19% (sigma 3, Fig. 7), 72.12% and 73.33%
     * (Student-t filters, Fig. 11): the range of its runs at sigma 3 and 5 and with Student-t filters (sigma 10 gave
     * 70.19%, Fig. 7). The seed reports no purity or NMI.
     */
    static final String URL_SOM_CIFAR10_NS = "NS 0.703-0.733 (seed)";

    /**
     * The paper's purity (train+test protocol) of a clustering row: vit_som (40x40), vit_som_24, som (the paper's
     * 24x24 Kohonen SOM), desom and som_vae. Map-size variants the paper did not run (som_40, desom_24, ...),
     * kmeans_latent and url_som (whose seed reports neural selectivity only, {@link #neuralSelectivity}) have none.
     */
    static Optional<String> clusteringPurity(String model, String dataset) {
        return switch (model) {
            case "vit_som" -> PaperNumbers.purity("vit_som", dataset, "vit_som").map(PaperNumbers.Entry::purity);
            case "vit_som_24" -> PaperNumbers.purity("vit_som", dataset, "vit_som_24").map(PaperNumbers.Entry::purity);
            case "som", "desom", "som_vae" -> PaperNumbers.purity(model, dataset, model).map(PaperNumbers.Entry::purity);
            default -> Optional.empty();
        };
    }

    /**
     * The published neural selectivity of a clustering row, as the fair-comparison table prints it beside our
     * {@code neural_selectivity}: url_som on CIFAR-10 ({@code dataset} a folder or column name) only; the seed has
     * no URL-SOM numbers for MNIST, Fashion-MNIST or USPS.
     */
    static Optional<String> neuralSelectivity(String model, String dataset) {
        return model.equals(SuiteDatasets.URL_SOM) && SuiteReport.column(dataset).equals("cifar-10")
                ? Optional.of(URL_SOM_CIFAR10_NS) : Optional.empty();
    }

    /** The paper's test accuracy of a classification model (vit_som_cls or vit). */
    static Optional<String> classificationAccuracy(String model, String dataset) {
        return ClassificationPaperNumbers.accuracy(model, dataset);
    }
}
