package io.vitsom.bench.classify;

import java.util.Locale;
import java.util.Optional;

/** The ViT-SOM paper's classification accuracies (REFERENCE.md), printed beside ours. */
public final class ClassificationPaperNumbers {
    private ClassificationPaperNumbers() {
    }

    /** The paper's accuracy of {@code model} ("vit" or "vit_som_cls") on {@code dataset}, if it reports one. */
    public static Optional<String> accuracy(String model, String dataset) {
        String d = dataset.toLowerCase(Locale.ROOT).replace("_", "-");
        int column = d.contains("cifar-100") || d.contains("cifar100") ? 1
                : d.contains("cifar-10") || d.contains("cifar10") ? 0 : -1;
        if (column < 0) {
            return Optional.empty();
        }
        String[] row = model.equals("vit") ? new String[] {"0.901", "0.604"} : new String[] {"0.920", "0.683"};
        return Optional.of(row[column]);
    }
}
