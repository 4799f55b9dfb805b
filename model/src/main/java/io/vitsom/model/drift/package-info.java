/**
 * Small, dependency-free change detectors for the map's own quality signals: quantization error, topographic error,
 * the divergence of the hit map from a reference one and the drift of the prototypes. They tell the services when
 * the stream the map learns from has moved, without labels.
 *
 * <p>{@link io.vitsom.model.drift.ChangeDetector} is the common interface;
 * {@link io.vitsom.model.drift.PageHinkley} (Page 1954, with River's forgetting factor) reacts fast to a step in
 * one known direction, {@link io.vitsom.model.drift.Adwin} (ADWIN2, Bifet and Gavaldà 2007) needs no threshold and
 * keeps an adaptive window whose mean is the current level. {@link io.vitsom.model.drift.JensenShannon} turns two
 * hit histograms into one bounded number that either detector can watch.
 */
package io.vitsom.model.drift;
