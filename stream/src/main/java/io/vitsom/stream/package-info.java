/**
 * What the streaming services (ingest, validation, learner, serving, dashboard) share: the topic descriptors
 * ({@link io.vitsom.stream.Topics}), the image record format ({@link io.vitsom.stream.ImageRecord}), the validation
 * topology ({@link io.vitsom.stream.ValidationTopology}) and an in-process single-node KRaft broker
 * ({@link io.vitsom.stream.EmbeddedKafka}).
 *
 * <p>Images are decoded only through {@link io.vitsom.model.data.ImageCodec}, so every service sees the same pixels
 * as the offline benchmark.
 */
package io.vitsom.stream;
