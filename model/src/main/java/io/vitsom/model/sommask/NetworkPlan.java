package io.vitsom.model.sommask;

import io.vitsom.model.config.DataSection;
import io.vitsom.model.sommask.SomMaskConfig.Activation;
import io.vitsom.model.sommask.SomMaskConfig.MaskPosition;
import io.vitsom.model.sommask.SomMaskConfig.Network;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.IntFunction;

/**
 * The exact network one arm trains: every conv and hidden layer with its width and its gate. {@link SomMaskNet} is
 * built from it.
 *
 * @param network the family (fc, cnn, conv_som)
 * @param channels input channels
 * @param inputSize input side
 * @param classes output classes
 * @param activation the hidden activation
 * @param position mask before or after the activation
 * @param convKernel conv kernel side (0 for fc)
 * @param patchSize conv_som's gray patch side (0 otherwise)
 * @param conv the conv layers (empty for fc), each followed by a 2x2 max-pool
 * @param hidden the fully connected hidden layers
 * @param maskedLayers how many of the first conv (cnn, conv_som) or hidden (fc) layers are the "masked positions"
 *     whose active neurons a report counts, whatever their gate
 */
public record NetworkPlan(Network network, int channels, int inputSize, int classes, Activation activation,
                          MaskPosition position, int convKernel, int patchSize, List<LayerPlan> conv,
                          List<LayerPlan> hidden, int maskedLayers) {

    /**
     * What multiplies a layer's output.
     */
    public sealed interface Gate permits Plain, Som, Dropout {
    }

    /** No gate: every neuron passes. */
    public record Plain() implements Gate {
    }

    /**
     * A SOM with one unit per neuron (channel for conv layers) and its neighbourhood mask.
     *
     * @param organizeSigma width of the SOM's own update, > 0 or infinite
     * @param forwardSigma width of the forwarding mask, > 0 or infinite
     * @param keep 0, or the number of units nearest the winner that stay active
     * @param learningRate the SOM's step size
     */
    public record Som(double organizeSigma, double forwardSigma, int keep, double learningRate) implements Gate {
    }

    /**
     * Inverted dropout of neurons (channels for conv layers) with keep ratio {@code keepRatio} in training; the identity
     * at inference.
     */
    public record Dropout(double keepRatio) implements Gate {
        public Dropout {
            if (!(keepRatio > 0 && keepRatio <= 1)) {
                throw new IllegalArgumentException("keepRatio must be in (0, 1], got " + keepRatio);
            }
        }
    }

    /**
     * One layer.
     *
     * @param width neurons (fc) or output channels (conv)
     * @param gate what multiplies its output
     */
    public record LayerPlan(int width, Gate gate) {
        public LayerPlan {
            Objects.requireNonNull(gate, "gate");
            if (width <= 0) {
                throw new IllegalArgumentException("width must be positive, got " + width);
            }
        }
    }

    public NetworkPlan {
        conv = List.copyOf(conv);
        hidden = List.copyOf(hidden);
        if ((network == Network.FC) != conv.isEmpty()) {
            throw new IllegalArgumentException("fc has no conv layers, cnn and conv_som need them");
        }
    }

    /**
     * The config's network with the masked positions' layers replaced by {@code masked.apply(configured width)} and
     * every other layer plain at its configured width.
     */
    public static NetworkPlan of(SomMaskConfig config, IntFunction<LayerPlan> masked) {
        boolean fc = config.network() == Network.FC;
        List<LayerPlan> conv = new ArrayList<>();
        if (!fc) {
            List<Integer> channels = config.conv().channels();
            for (int i = 0; i < channels.size(); i++) {
                conv.add(i < config.maskedLayers() ? masked.apply(channels.get(i)) : plain(channels.get(i)));
            }
        }
        List<LayerPlan> hidden = new ArrayList<>();
        for (int i = 0; i < config.hidden().size(); i++) {
            int width = config.hidden().get(i);
            hidden.add(fc && i < config.maskedLayers() ? masked.apply(width) : plain(width));
        }
        DataSection data = config.data();
        return new NetworkPlan(config.network(), data.numChannels(), data.inputSize(), data.numClasses(),
                config.activation(), config.mask().position(), fc ? 0 : config.conv().kernel(),
                config.mask().patchSize(), conv, hidden, config.maskedLayers());
    }

    private static LayerPlan plain(int width) {
        return new LayerPlan(width, new Plain());
    }

    /** The layers whose active neurons are counted: the first {@link #maskedLayers} conv (or hidden, for fc) layers. */
    public List<LayerPlan> maskedPositions() {
        return (network == Network.FC ? hidden : conv).subList(0, maskedLayers);
    }
}
