package io.vitsom.model.gensom;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import io.vitsom.model.config.AdamSection;
import io.vitsom.model.infer.Assignments;
import io.vitsom.model.map.AdamWMapTrainer;
import io.vitsom.model.train.AdamW;
import io.vitsom.model.train.StepResult;
import io.vitsom.model.train.TrainingSchedule;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Random;

/**
 * The Gen-SOM-Attn training step (seed section 2.2, "a two-fold process"): the autoencoder learns by gradient, the
 * map by competition, in the same step.
 * <ol>
 *   <li>Encode the batch to {@code v_attn} (training mode); on the model's first step with {@code som.init:
 *       first_batch} the codebook is placed at these latents ({@link KohonenCodebook#placeAt}).
 *   <li>Each latent's BMU against the codebook as it stands.
 *   <li>Decode per {@code decoder_training}: {@code D(v_attn)}, {@code D(st(w_bmu))} with
 *       {@code st(w) = v + stopGradient(w - v)} (forward value {@code w_bmu}, gradient to {@code v_attn}), or both
 *       in one decoder pass; the loss is the sum of the pixel MSEs; backward; one Adam update (AdamW with weight
 *       decay 0, which is Adam) at the schedule's learning rate.
 *   <li>The Kohonen update with the step's latents, {@code eta = schedule.gamma(step)},
 *       {@code sigma = schedule.temperature(step)} ({@link KohonenCodebook#update}).
 * </ol>
 * The result's BMUs, distances and second BMUs are those of step 2 (what the decoder saw); {@code reconLoss} is the
 * prototype MSE {@code MSE(x, D(w_bmu))} (the seed's reconstruction error) when the loss has that term, else the
 * latent MSE; {@code somLoss} is the mean squared distance of the latents to their BMUs (the quantisation error the
 * Kohonen rule reduces, not optimised by gradient); {@code totalLoss} the optimised sum.
 *
 * <p>Every step runs in its own {@link NDScope}; only parameters and optimizer state live across steps. Not
 * thread-safe.
 */
public final class GenSomTrainer implements AdamWMapTrainer {
    private final GenSomModel model;
    private final GenSomConfig config;
    private final NDManager manager;
    private final ParameterStore parameterStore;
    private final AdamW optimizer;
    private final TrainingSchedule schedule;
    private final Random random;
    private long step;

    /**
     * @param model the model to train (its manager takes the optimizer state)
     * @param schedule eta (gamma), sigma (temperature) and Adam's learning rate over steps
     * @param random draws the first-batch placement of the codebook
     */
    public GenSomTrainer(GenSomModel model, TrainingSchedule schedule, Random random) {
        this.model = Objects.requireNonNull(model, "model");
        this.schedule = Objects.requireNonNull(schedule, "schedule");
        this.random = Objects.requireNonNull(random, "random");
        this.config = model.config();
        this.manager = model.manager();
        this.parameterStore = new ParameterStore(manager, false);
        Map<String, Parameter> trainable = new LinkedHashMap<>();
        Map<String, Double> decays = new LinkedHashMap<>();
        for (var e : model.namedParameters().entrySet()) {
            if (e.getValue().requiresGradient()) {
                trainable.put(e.getKey(), e.getValue());
                decays.put(e.getKey(), 0.0);
            }
        }
        AdamSection opt = config.optimizer();
        this.optimizer = new AdamW(decays, trainable, opt.beta1(), opt.beta2(), false, manager);
    }

    @Override
    public GenSomModel map() {
        return model;
    }

    /**
     * One step on {@code count} images ({@code [count, C, H, W]} floats in [0, 1]).
     *
     * @throws IllegalArgumentException when {@code images} does not hold {@code count > 0} images of the config's input
     */
    @Override
    public StepResult step(float[] images, int count) {
        model.requireImages(images, count);
        if (count == 0) {
            throw new IllegalArgumentException("a training step needs at least one image");
        }
        double sigma = schedule.temperature(step);
        double eta = schedule.gamma(step);
        double lr = schedule.learningRate(step);
        int dim = config.latentDim();
        int s = config.inputSize();
        GenSomConfig.DecoderTraining mode = config.decoderTraining();
        KohonenCodebook codebook = model.codebook();
        float[] latents;
        Assignments matched;
        double latentMse = Double.NaN;
        double prototypeMse = Double.NaN;
        double total;
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDArray x = manager.create(images, new Shape(count, config.numChannels(), s, s));
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                // Encode: v_attn [N, latent].
                NDArray v = model.net().forward(parameterStore, new NDList(x), true).singletonOrThrow();
                latents = v.toFloatArray();
                if (!codebook.isInitialised()) {
                    codebook.placeAt(latents, count, config.som().initNoise(), random);
                }
                matched = codebook.assign(latents, count);
                // What the decoder decodes: v_attn, st(w_bmu), or both stacked into one pass.
                NDArray decoderInput = v;
                if (mode.decodesPrototype()) {
                    NDArray bmuPrototypes = manager.create(codebook.prototypesOf(matched.bmu()),
                            new Shape(count, dim));
                    NDArray straightThrough = v.add(bmuPrototypes.sub(v).stopGradient());
                    decoderInput = mode.decodesLatent() ? NDArrays.concat(new NDList(v, straightThrough), 0)
                            : straightThrough;
                }
                NDArray decoded = model.net().decode(parameterStore, decoderInput, true);
                NDArray loss;
                if (mode == GenSomConfig.DecoderTraining.BOTH) {
                    NDArray latentTerm = mse(decoded.get(new NDIndex("0:" + count)), x);
                    NDArray prototypeTerm = mse(decoded.get(new NDIndex(count + ":")), x);
                    latentMse = latentTerm.getFloat();
                    prototypeMse = prototypeTerm.getFloat();
                    loss = latentTerm.add(prototypeTerm);
                } else {
                    loss = mse(decoded, x);
                    if (mode == GenSomConfig.DecoderTraining.LATENT) {
                        latentMse = loss.getFloat();
                    } else {
                        prototypeMse = loss.getFloat();
                    }
                }
                total = loss.getFloat();
                collector.backward(loss);
            }
            optimizer.step(lr);
        }
        codebook.update(latents, count, eta, sigma);
        long[] bmus = new long[count];
        long[] seconds = new long[count];
        double quantisation = 0;
        for (int i = 0; i < count; i++) {
            bmus[i] = matched.bmu()[i];
            seconds[i] = matched.secondBmu()[i];
            quantisation += (double) matched.distance()[i] * matched.distance()[i];
        }
        double recon = mode.decodesPrototype() ? prototypeMse : latentMse;
        StepResult result = new StepResult(step, recon, Double.NaN, quantisation / count, total, sigma, eta, lr, bmus,
                matched.distance(), seconds);
        step++;
        return result;
    }

    /** Mean squared error over every pixel. */
    private static NDArray mse(NDArray predicted, NDArray target) {
        return predicted.sub(target).square().mean();
    }


    @Override
    public long stepCount() {
        return step;
    }

    @Override
    public void setStepCount(long steps) {
        this.step = steps;
    }

    @Override
    public TrainingSchedule schedule() {
        return schedule;
    }

    @Override
    public AdamW optimizer() {
        return optimizer;
    }
}
