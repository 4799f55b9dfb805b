package io.vitsom.bench;

import java.util.Locale;
import java.util.Optional;

/** The ViT-SOM paper's clustering purities (mean ± std over 5 runs, train+test protocol), to print beside ours. */
public final class PaperNumbers {
    private PaperNumbers() {
    }

    /**
     * One cell of the paper's table.
     *
     * @param purity mean ± std as printed
     * @param params the model's parameter count as printed
     */
    public record Entry(String purity, String params) {
    }

    /** The paper's clustering column of a dataset name: 0 MNIST, 1 Fashion-MNIST, 2 USPS, -1 none. */
    public static int column(String dataset) {
        String d = dataset.toLowerCase(Locale.ROOT);
        return d.contains("fashion") || d.contains("fmnist") ? 1 : d.contains("usps") ? 2 : d.contains("mnist") ? 0 : -1;
    }

    /**
     * The paper's purity of {@code model} ({@code vit_som} or {@code som}) on {@code dataset}; {@code configPath}
     * containing {@code _24} selects the 24x24 ViT-SOM row.
     */
    public static Optional<Entry> purity(String model, String dataset, String configPath) {
        int column = column(dataset);
        if (column < 0) {
            return Optional.empty();
        }
        boolean small = configPath.contains("_24");
        String[] row;
        String params;
        if (model.equals("som")) {
            row = new String[] {"0.711 ± 0.005", "0.668 ± 0.002", "0.732 ± 0.009"};
            params = "451K (24x24)";
        } else if (small) {
            row = new String[] {"0.936 ± 0.003", "0.817 ± 0.002", "0.935 ± 0.006"};
            params = "2.5M";
        } else {
            row = new String[] {"0.955 ± 0.001", "0.841 ± 0.006", "0.948 ± 0.025"};
            params = "5.0M";
        }
        return Optional.of(new Entry(row[column], params));
    }
}
