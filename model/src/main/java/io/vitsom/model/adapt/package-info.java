/**
 * Continual-learning parts shared by the streaming learner and the drift benchmark: rehearsal
 * ({@link io.vitsom.model.adapt.RehearsalReservoir}, a bounded uniform sample of past images that tops up
 * training batches), novelty quarantine ({@link io.vitsom.model.adapt.NoveltyGate}, which flags images whose
 * BMU distance is far above the recent distribution) and map upkeep ({@link io.vitsom.model.adapt.UnitUpkeep},
 * which finds dead units and the images to re-seed them with).
 *
 * <p>Pure Java: no DJL, no Kafka. Randomness comes from {@link io.vitsom.model.adapt.SplitMix64}, whose whole
 * state is one long, so every part can be checkpointed and resumed to make exactly the same decisions.
 */
package io.vitsom.model.adapt;
