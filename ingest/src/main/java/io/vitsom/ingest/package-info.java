/**
 * Getting images into Kafka, and validating them.
 *
 * <p>Sources, each writing one record per image to the {@code images} topic in the format of
 * {@link io.vitsom.stream.ImageRecord} and counting into {@link io.vitsom.ingest.IngestMetrics}:
 * {@link io.vitsom.ingest.ReplayProducer} (a dataset at a rate), {@link io.vitsom.ingest.FolderWatcher} (files
 * dropped into a folder) and {@link io.vitsom.ingest.IngestHttpVerticle} ({@code POST /v1/images}). Every source
 * waits for the broker's acknowledgement ({@code acks=all}, idempotent producer) before it reports an image as
 * taken. {@link io.vitsom.ingest.ValidationService} runs the validation topology that splits {@code images} into
 * {@code images.valid} and the dead-letter topic {@code images.dlq}. {@link io.vitsom.ingest.DatasetLocator} finds
 * (or fetches) the dataset a replay uses by default. {@link io.vitsom.ingest.IngestCommand} is the
 * {@code vitsom ingest} command line over all of them.
 */
package io.vitsom.ingest;
