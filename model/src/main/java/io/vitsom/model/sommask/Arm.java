package io.vitsom.model.sommask;

import io.vitsom.model.sommask.NetworkPlan.Dropout;
import io.vitsom.model.sommask.NetworkPlan.LayerPlan;
import io.vitsom.model.sommask.NetworkPlan.Plain;
import io.vitsom.model.sommask.NetworkPlan.Som;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One network of a comparison run, named in {@code hyperparameters.comparison} (the seed's last figure) or made from
 * {@code hyperparameters.sigma_sweep}. The names, with {@code n} the configured width of a masked layer:
 * <ul>
 *   <li>{@code som_mask}: the configured SOM-masked network (always run, first);</li>
 *   <li>{@code full}: the same network without any SOM (n neurons each);</li>
 *   <li>{@code som_mask_kN}: the configured SOM mask keeping only the N neurons nearest the winner;</li>
 *   <li>{@code som_mask_pP}: the same keeping P per cent of each masked layer;</li>
 *   <li>{@code pruned_kN}: the masked layers narrowed to N neurons, no SOM;</li>
 *   <li>{@code dropout_kN}: n neurons with dropout at keep ratio N/n in training, no SOM;</li>
 *   <li>{@code sigma_S} (from the sweep): the SOM mask with sigma S for organising and forwarding ({@code inf}: all
 *       ones, the network without SOM), as in the seed's CIFAR-10 figure.</li>
 * </ul>
 */
public sealed interface Arm permits Arm.Primary, Arm.Full, Arm.SomMask, Arm.Pruned, Arm.Dropped, Arm.Sigma {
    /** The name of the configured SOM-masked network. */
    String PRIMARY = "som_mask";

    /** The arm's name in configs and result files. */
    String name();

    /** One line saying what the arm is, for reports. */
    String description();

    /** Neurons the arm needs in every masked layer (0 when it fits any width). */
    int count();

    /** The network this arm trains under {@code config}. */
    NetworkPlan plan(SomMaskConfig config);

    /** The arm named {@code name} (see the class comment); fails naming the accepted forms. */
    static Arm parse(String name) {
        if (name.equals("full")) {
            return new Full();
        }
        Matcher m = Pattern.compile("(som_mask|pruned|dropout)_([kp])([0-9]+)").matcher(name);
        if (m.matches()) {
            int n = Integer.parseInt(m.group(3));
            boolean percent = m.group(2).equals("p");
            if (n <= 0 || (percent && n > 100)) {
                throw new IllegalArgumentException("arm " + name + ": the count must be in [1, "
                        + (percent ? "100]" : "layer width]"));
            }
            if (!percent) {
                return switch (m.group(1)) {
                    case "som_mask" -> new SomMask(n, 0);
                    case "pruned" -> new Pruned(n);
                    default -> new Dropped(n);
                };
            }
            if (m.group(1).equals("som_mask")) {
                return new SomMask(0, n);
            }
        }
        throw new IllegalArgumentException("unknown arm '" + name + "': expected full, som_mask_kN, som_mask_pP, "
                + "pruned_kN or dropout_kN (sigma arms come from sigma_sweep)");
    }

    /** The name of the sweep arm of {@code sigma}. */
    static String sigmaName(double sigma) {
        return "sigma_" + SomMaskConfig.sigmaText(sigma);
    }

    /** The configured SOM gate of a layer, with another threshold or sigma where an arm says so. */
    private static Som som(SomMaskConfig.Mask mask, int width) {
        return new Som(mask.organizeSigma(), mask.forwardSigma(), mask.keep(width), mask.learningRate());
    }

    /** {@code som_mask}: the configured network. */
    record Primary() implements Arm {
        @Override
        public String name() {
            return PRIMARY;
        }

        @Override
        public String description() {
            return "the configured SOM-masked network";
        }

        @Override
        public int count() {
            return 0;
        }

        @Override
        public NetworkPlan plan(SomMaskConfig config) {
            return NetworkPlan.of(config, w -> new LayerPlan(w, som(config.mask(), w)));
        }
    }

    /** {@code full}: no SOM. */
    record Full() implements Arm {
        @Override
        public String name() {
            return "full";
        }

        @Override
        public String description() {
            return "the full network without SOM";
        }

        @Override
        public int count() {
            return 0;
        }

        @Override
        public NetworkPlan plan(SomMaskConfig config) {
            return NetworkPlan.of(config, w -> new LayerPlan(w, new Plain()));
        }
    }

    /**
     * {@code som_mask_kN} or {@code som_mask_pP}: the configured SOM mask with a top-k threshold.
     *
     * @param keep N, or 0 when {@code percent} is set
     * @param percent P, or 0 when {@code keep} is set
     */
    record SomMask(int keep, int percent) implements Arm {
        @Override
        public String name() {
            return keep > 0 ? "som_mask_k" + keep : "som_mask_p" + percent;
        }

        @Override
        public String description() {
            return keep > 0 ? "SOM mask keeping the " + keep + " neurons nearest the winner"
                    : "SOM mask keeping " + percent + "% of the neurons nearest the winner";
        }

        @Override
        public int count() {
            return keep;
        }

        @Override
        public NetworkPlan plan(SomMaskConfig config) {
            SomMaskConfig.Mask mask = config.mask().withKeep(keep, percent);
            return NetworkPlan.of(config, w -> new LayerPlan(w, som(mask, w)));
        }
    }

    /** {@code pruned_kN}: the masked layers narrowed to {@code width} neurons. */
    record Pruned(int width) implements Arm {
        @Override
        public String name() {
            return "pruned_k" + width;
        }

        @Override
        public String description() {
            return "pruned network: " + width + " neurons per masked layer, no SOM";
        }

        @Override
        public int count() {
            return width;
        }

        @Override
        public NetworkPlan plan(SomMaskConfig config) {
            return NetworkPlan.of(config, w -> new LayerPlan(width, new Plain()));
        }
    }

    /** {@code dropout_kN}: dropout keeping {@code keep} of the layer's neurons on average in training. */
    record Dropped(int keep) implements Arm {
        @Override
        public String name() {
            return "dropout_k" + keep;
        }

        @Override
        public String description() {
            return "dropout with keep ratio " + keep + "/n in training, no SOM";
        }

        @Override
        public int count() {
            return keep;
        }

        @Override
        public NetworkPlan plan(SomMaskConfig config) {
            return NetworkPlan.of(config, w -> new LayerPlan(w, new Dropout((double) keep / w)));
        }
    }

    /** {@code sigma_S}: one sigma for organising and forwarding. */
    record Sigma(double sigma) implements Arm {
        @Override
        public String name() {
            return sigmaName(sigma);
        }

        @Override
        public String description() {
            return String.format(Locale.ROOT, "SOM mask with sigma %s for organising and forwarding%s",
                    SomMaskConfig.sigmaText(sigma), Double.isInfinite(sigma) ? " (all ones: no SOM)" : "");
        }

        @Override
        public int count() {
            return 0;
        }

        @Override
        public NetworkPlan plan(SomMaskConfig config) {
            SomMaskConfig.Mask mask = config.mask().withSigma(sigma);
            return NetworkPlan.of(config, w -> new LayerPlan(w, som(mask, w)));
        }
    }
}
