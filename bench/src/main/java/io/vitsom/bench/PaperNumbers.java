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
     * The paper's purity of {@code model} on {@code dataset}: {@code vit_som} ({@code configPath} containing
     * {@code _24} selects the 24x24 row), {@code som} (the paper's 24x24 Kohonen SOM), {@code desom} (8x8) and
     * {@code som_vae}; empty for other models and datasets. REFERENCE.md gives the baselines' means only.
     */
    public static Optional<Entry> purity(String model, String dataset, String configPath) {
        int column = column(dataset);
        if (column < 0) {
            return Optional.empty();
        }
        String[] row;
        String params;
        switch (model) {
            case "som" -> {
                row = new String[] {"0.711 ± 0.005", "0.668 ± 0.002", "0.732 ± 0.009"};
                params = "451K (24x24)";
            }
            case "desom" -> {
                row = new String[] {"0.934", "0.751", "0.857"};
                params = "not given";
            }
            case "som_vae" -> {
                row = new String[] {"0.868", "0.739", "0.854"};
                params = "not given";
            }
            case "vit_som" -> {
                boolean small = configPath.contains("_24");
                row = small ? new String[] {"0.936 ± 0.003", "0.817 ± 0.002", "0.935 ± 0.006"}
                        : new String[] {"0.955 ± 0.001", "0.841 ± 0.006", "0.948 ± 0.025"};
                params = small ? "2.5M" : "5.0M";
            }
            default -> {
                return Optional.empty();
            }
        }
        return Optional.of(new Entry(row[column], params));
    }
}
