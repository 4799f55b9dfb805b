package io.vitsom.bench;

import io.vitsom.model.config.VitSomConfig;

/** How a config's epoch-based schedules shrink to the budget actually run. */
final class Budgets {
    private Budgets() {
    }

    /**
     * The config with {@code total_epochs = epochs} and the LR warm-up scaled by the same ratio (the reference
     * warms up for 25 of 500 epochs, 5% of the run). Without the scaling a 5-epoch run would never leave
     * warm-up and train at 4-20% of its learning rate. Temperature and gamma already follow the step budget.
     */
    static VitSomConfig scaleToEpochs(VitSomConfig config, int epochs) {
        if (epochs == config.totalEpochs()) {
            return config;
        }
        double warmup = config.optimizer().warmupEpochs() * epochs / config.totalEpochs();
        VitSomConfig.Optimizer o = config.optimizer();
        VitSomConfig.Optimizer scaled = new VitSomConfig.Optimizer(o.type(), o.lr(), o.minLr(), o.beta1(), o.beta2(),
                o.scheduler(), warmup, o.weightDecay(), o.layerDecay(), o.smoothing());
        return new VitSomConfig(config.modelArch(), epochs, config.batchSize(), config.gamma(), config.som(),
                config.vit(), scaled, config.data());
    }
}
