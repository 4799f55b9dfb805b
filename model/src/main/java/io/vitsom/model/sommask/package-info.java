/**
 * SOM as a mask (seed paper 002): networks whose hidden layers a self-organizing map gates with a Gaussian
 * neighbourhood mask around its winning unit. {@link io.vitsom.model.sommask.SomMaskConfig} describes the network and
 * the comparison arms ({@link io.vitsom.model.sommask.Arm}), {@link io.vitsom.model.sommask.NeighbourhoodMask} is the
 * mask, {@link io.vitsom.model.sommask.CompetitiveSom} the SOM, {@link io.vitsom.model.sommask.SomMaskNet} the network
 * and {@link io.vitsom.model.sommask.SomMaskTrainer} its training.
 */
package io.vitsom.model.sommask;
