package io.vitsom.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vitsom.bench.maps.UrlSomMap;
import io.vitsom.model.checkpoint.Checkpoint;
import io.vitsom.model.data.ImageSet;
import io.vitsom.model.map.MapModels;
import io.vitsom.model.train.StepResult;
import io.vitsom.model.train.StopSignal;
import io.vitsom.model.urlsom.UrlSomConfig;
import io.vitsom.model.urlsom.UrlSomModel;
import io.vitsom.model.urlsom.UrlSomSchedule;
import io.vitsom.model.urlsom.UrlSomTrainer;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.IntConsumer;

/**
 * The clustering benchmark's URL-SOM training (seed paper 003, sec. V.B): Adam with the config's stepwise warm-up
 * ({@code optimizer.warmup_lr} from the epochs {@code warmup_epochs}, in absolute epochs: 1e-4, 5e-4 from epoch 5,
 * 1e-3 from epoch 10 in the seed), batch {@code batch_size} (two augmented views each), the training set shuffled
 * with the run's seed every epoch, and early stopping when the epoch's mean loss has not improved for
 * {@code early_stopping_patience} epochs ({@link EarlyStopping}; 0 trains every epoch). Which images it trains on is
 * the protocol's: train+test under {@code reference} (the seed's), the training split under {@code split}.
 *
 * <p>It logs a progress line per step (img/s, loss, learning rate, units the batch's images win) and a line per
 * epoch (mean loss, purity/NMI of the first {@code --epoch-eval-limit} training images), and saves the trained model
 * of the first run to {@code OUT/model/} ({@code vitsom eval --checkpoint OUT/model} reloads it). A
 * {@link StopSignal} ends it between steps; nothing is saved then.
 */
final class UrlSomTraining {
    private final BenchOptions options;
    private final PrintStream log;
    private final StopSignal stop;

    UrlSomTraining(BenchOptions options, PrintStream log, StopSignal stop) {
        this.options = options;
        this.log = log;
        this.stop = stop;
    }

    /**
     * Builds and trains a URL-SOM on {@code trainSet} for at most {@code config.totalEpochs()} epochs.
     *
     * @param referenceEpochs the epochs the config was written for (its warm-up keeps its share of a shorter run)
     * @param data the protocol's sets (for the checkpoint's provenance)
     * @param epochsDone told the number of complete epochs after each one (the record of a run a stop interrupts)
     * @param keepArtifacts whether to save the model to {@code OUT/model}
     */
    ClusteringBench.Trained train(UrlSomConfig config, int referenceEpochs, ClusteringBench.Data data,
                                  ImageSet trainSet, long seed, boolean keepArtifacts, IntConsumer epochsDone)
            throws IOException {
        if (!options.projectionEpochs().isEmpty()) {
            log.println("note: --projection-epochs applies to ViT-SOM; URL-SOM writes projection.png after "
                    + "training only");
        }
        Engine.getInstance().setRandomSeed((int) seed);
        NDManager manager = NDManager.newBaseManager();
        UrlSomMap map;
        try {
            map = new UrlSomMap((UrlSomModel) MapModels.create(config, manager), manager, trainSet, true);
        } catch (RuntimeException | Error e) {
            manager.close();
            throw e;
        }
        try {
            return train(map, config, referenceEpochs, data, trainSet, seed, keepArtifacts, epochsDone);
        } catch (RuntimeException | Error e) {
            // A stop (or a failure) between steps: free the model here, on the thread that ran its steps.
            map.close();
            throw e;
        }
    }

    private ClusteringBench.Trained train(UrlSomMap map, UrlSomConfig config, int referenceEpochs,
                                          ClusteringBench.Data data,
                                          ImageSet trainSet, long seed, boolean keepArtifacts, IntConsumer epochsDone)
            throws IOException {
        UrlSomModel model = map.model();
        int epochs = config.totalEpochs();
        int batch = config.batchSize();
        long stepsPerEpoch = (trainSet.size() + batch - 1) / batch;
        ImageSet epochEval = trainSet.limit(options.epochEvalLimit());
        List<RunMetrics.EpochLog> epochLog = new ArrayList<>();
        EarlyStopping early = new EarlyStopping(config.earlyStoppingPatience());
        Random shuffle = new Random(seed);
        double trainSeconds = 0;
        int epochsRun = 0;
        boolean stoppedEarly = false;
        long steps;
        long optimizerSteps;
        try (UrlSomTrainer trainer = model.newTrainer(
                UrlSomSchedule.shortened(config, stepsPerEpoch, referenceEpochs))) {
            Progress progress = new Progress("train", stepsPerEpoch * epochs);
            int[] order = EpochOrder.identity(trainSet.size());
            for (int epoch = 0; epoch < epochs; epoch++) {
                EpochOrder.shuffle(order, shuffle);
                long epochStart = System.nanoTime();
                double lossSum = 0;
                int imagesThisEpoch = 0;
                double lr = Double.NaN;
                for (int start = 0; start < order.length; start += batch) {
                    // The step boundary: no step starts after a stop was requested.
                    stop.throwIfRequested();
                    int b = Math.min(batch, order.length - start);
                    int[] idx = Arrays.copyOfRange(order, start, start + b);
                    StepResult s = trainer.step(trainSet.batch(idx), b);
                    lossSum += s.totalLoss() * b;
                    imagesThisEpoch += b;
                    lr = s.learningRate();
                    double rate = imagesThisEpoch / ((System.nanoTime() - epochStart) / 1e9);
                    progress.update(trainer.stepCount(), String.format(Locale.ROOT,
                            "epoch %d/%d %.0f img/s loss %.5f som %.5f lr %.2g units/batch %d",
                            epoch + 1, epochs, rate, s.totalLoss(), s.somLoss(), s.learningRate(),
                            Arrays.stream(s.bmus()).distinct().count()));
                }
                trainSeconds += (System.nanoTime() - epochStart) / 1e9;
                epochsRun = epoch + 1;
                epochsDone.accept(epochsRun);
                stop.throwIfRequested();
                double loss = lossSum / imagesThisEpoch;
                Clustering c = Clustering.of(map.bmus(epochEval), epochEval);
                epochLog.add(new RunMetrics.EpochLog(epochsRun, loss, c.purity(), c.nmi(), trainSeconds));
                log.printf(Locale.ROOT, "epoch %d: loss %.5f (lr %.2g), purity %.4f, NMI %.4f on %d training images "
                                + "(%.0f s)%n", epochsRun, loss, lr, c.purity(), c.nmi(), epochEval.size(),
                        trainSeconds);
                if (early.stopAfter(loss)) {
                    stoppedEarly = epochsRun < epochs;
                    if (stoppedEarly) {
                        log.printf(Locale.ROOT, "early stopping after epoch %d of %d: no loss below %.5f (epoch %d) "
                                        + "for %d epochs%n", epochsRun, epochs, early.bestLoss(), early.bestEpoch(),
                                early.patience());
                    }
                    break;
                }
            }
            steps = trainer.stepCount();
            optimizerSteps = trainer.optimizerStepCount();
        }
        if (keepArtifacts) {
            ObjectNode provenance = ClusteringBench.provenance(options, data, trainSet, epochsRun);
            provenance.put("planned_epochs", epochs);
            provenance.put("early_stopped", stoppedEarly);
            provenance.put("early_stopping_patience", config.earlyStoppingPatience());
            Checkpoint.save(options.out().resolve("model"), model, Map.of(), steps, optimizerSteps, seed, provenance);
        }
        return new ClusteringBench.Trained(map, model.trainableParameterCount(), batch, trainSeconds,
                trainSet.size() * (double) epochsRun / trainSeconds, epochLog);
    }
}
