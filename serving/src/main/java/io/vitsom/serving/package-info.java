/**
 * Serving: assigns every valid image to its best-matching unit with the newest model the learner has published.
 *
 * <p>{@link io.vitsom.serving.ServingService} runs the Kafka Streams application built by
 * {@link io.vitsom.serving.AssignmentTopology} ({@code images.valid} to {@code som.assignments}, micro-batched, bad
 * images to {@code images.dlq}) once {@link io.vitsom.serving.ModelWatcher} has loaded a model from
 * {@code som.models}; newer versions are swapped in without a restart. {@link io.vitsom.serving.ServingHttpVerticle}
 * answers single images over HTTP with the same model, and draws new ones around a unit when that model is a
 * {@link io.vitsom.model.map.UnitSampler}; {@link io.vitsom.serving.ServeCommand} is the {@code serve}
 * command that runs both. {@link io.vitsom.serving.ServingMetrics} counts both paths ({@code vitsom_serving_*});
 * {@link io.vitsom.serving.TopologyWindow} watches the map's quality over the stream path's most recent assignments
 * ({@code vitsom_som_*}). {@link io.vitsom.serving.ServingHealth} is what {@code /health} says: DOWN with a reason
 * when the Streams application is not running, its threads failed past their
 * {@link io.vitsom.serving.StreamThreadBudget}, or the model watcher died.
 */
package io.vitsom.serving;
