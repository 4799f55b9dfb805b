package io.vitsom.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vitsom.model.config.ConfigLoader;
import io.vitsom.model.config.VitSomConfig;
import io.vitsom.model.data.DatasetLoader;
import io.vitsom.model.data.ImageSet;
import io.vitsom.model.infer.VitSomPredictor;
import io.vitsom.model.io.Npy;
import io.vitsom.model.map.MapModelConfig;
import io.vitsom.model.map.MapModels;
import io.vitsom.model.nn.VitSom;
import io.vitsom.model.train.EpochSchedule;
import io.vitsom.model.train.StepResult;
import io.vitsom.model.train.TrainingPlan;
import io.vitsom.model.train.VitSomTrainer;
import io.vitsom.model.urlsom.UrlSomConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code vitsom check-reference}: exports the Java model's initial weights and one batch, runs the PyTorch
 * reference ({@code bench/reference/check_reference.py}) on them, and compares loss terms, BMUs and the
 * parameters after one AdamW step. For a {@code url_som} config {@link UrlSomReferenceCheck} runs
 * {@code bench/reference/check_url_som.py} instead and compares the inference-mode logits, then one training step on
 * the same two views (loss terms, BMUs, gradients, every named tensor after one Adam step).
 */
@Command(name = "check-reference", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Compare one training step of the Java model with the PyTorch reference on the same weights and batch.")
public final class CheckReferenceCommand implements Callable<Integer> {
    @Option(names = "--config", required = true, description = "YAML config")
    Path config;

    @Option(names = "--batch", description = "batch size (default: the config's)")
    Integer batch;

    @Option(names = "--step", defaultValue = "1000",
            description = "global step the compared update uses (sets T, gamma and the LR; default: ${DEFAULT-VALUE})")
    long step;

    @Option(names = "--train-size", defaultValue = "60000", description = "training-set size the schedules assume (default: ${DEFAULT-VALUE})")
    int trainSize;

    @Option(names = "--data", description = "take the batch from this dataset (default: random images)")
    Path data;

    @Option(names = "--seed", defaultValue = "0", description = "seed of weights and batch (default: ${DEFAULT-VALUE})")
    int seed;

    @Option(names = "--tolerance", defaultValue = "1e-4", description = "maximum relative error (default: ${DEFAULT-VALUE})")
    double tolerance;

    @Option(names = "--python", description = "Python with torch (default: /usr/bin/python3)")
    String python;

    @Option(names = "--out", description = "work and report directory (default: runs/check-reference-<config>)")
    Path out;

    @Override
    public Integer call() throws Exception {
        MapModelConfig any = MapModels.load(config);
        if (any instanceof UrlSomConfig urlSom) {
            Path dir = outputDir();
            return new UrlSomReferenceCheck(new UrlSomReferenceCheck.Settings(config, step, trainSize, data, seed,
                    tolerance, python)).run(batch != null ? urlSom.withBatchSize(batch) : urlSom, dir);
        }
        VitSomConfig cfg = ConfigLoader.load(config);
        if (batch != null) {
            cfg = cfg.withBatchSize(batch);
        }
        int b = cfg.batchSize();
        Path dir = outputDir();
        Path in = dir.resolve("in");
        Path ref = dir.resolve("out");
        PythonReference python = PythonReference.locate(this.python);
        float[] images = batchImages(cfg, b, data, seed);
        int[] labels = new int[b];
        Random random = new Random(seed);
        for (int i = 0; i < b; i++) {
            labels[i] = cfg.classification() ? random.nextInt(cfg.data().numClasses()) : 0;
        }
        TrainingPlan plan = new TrainingPlan(trainSize, b, cfg.totalEpochs());
        try (NDManager manager = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(seed);
            VitSom model = VitSom.builder().setConfig(cfg).build();
            model.initialize(manager);
            export(cfg, model, plan, images, labels, in);
            System.err.println("running the PyTorch reference ...");
            python.run("check_reference.py", List.of("--in", in.toString(), "--out", ref.toString()));
            float[][] distancesBefore = new VitSomPredictor(model, manager).distances(images, b);
            StepResult java;
            Map<String, float[]> javaGrads = new LinkedHashMap<>();
            try (VitSomTrainer trainer = new VitSomTrainer(model, manager, new EpochSchedule(cfg, plan))) {
                trainer.optimizer().setGradientObserver((n, g) -> javaGrads.put(n, g.toFloatArray()));
                trainer.setStepCount(step);
                java = trainer.step(images, labels, b);
            }
            ObjectNode report = compare(cfg, model, java, distancesBefore, javaGrads, ref);
            report.put("config", config.toString());
            report.put("batch", b);
            report.put("step", step);
            report.put("tolerance", tolerance);
            return writeReport(dir, report, tolerance);
        }
    }

    /** The run's folder ({@code --out}, else runs/check-reference-<config>) with its {@code in/params} and {@code out}. */
    private Path outputDir() throws IOException {
        String name = config.getFileName().toString().replaceFirst("\\.ya?ml$", "");
        Path dir = out != null ? out : Path.of("runs", "check-reference-" + name);
        Files.createDirectories(dir.resolve("in").resolve("params"));
        Files.createDirectories(dir.resolve("out"));
        return dir;
    }

    /** Writes {@code check-reference.json}, prints it and the verdict; the exit code, 0 on a pass. */
    static int writeReport(Path dir, ObjectNode report, double tolerance) throws IOException {
        BenchReport.JSON.writeValue(dir.resolve("check-reference.json").toFile(), report);
        System.out.println(BenchReport.JSON.writeValueAsString(report));
        boolean ok = report.path("pass").asBoolean();
        System.out.println(ok ? "PASS: Java and PyTorch agree within " + tolerance + " relative"
                : "FAIL: Java and PyTorch differ by more than " + tolerance + " relative (see above)");
        return ok ? 0 : 1;
    }

    /** The first {@code b} training images of {@code data}, or (without data) uniform noise seeded by {@code seed}. */
    static float[] batchImages(MapModelConfig cfg, int b, Path data, int seed) throws IOException {
        int size = cfg.imageFloats();
        if (data != null) {
            ImageSet train = DatasetLoader.load(data, null).train();
            ClusteringBench.requireShape(cfg, train);
            return train.batch(IntStream.range(0, b).toArray());
        }
        Random random = new Random(seed);
        float[] x = new float[b * size];
        for (int i = 0; i < x.length; i++) {
            x[i] = random.nextFloat();
        }
        return x;
    }

    private void export(VitSomConfig cfg, VitSom model, TrainingPlan plan, float[] images, int[] labels, Path in)
            throws IOException {
        BenchReport.JSON.writeValue(in.resolve("config.json").toFile(), ConfigLoader.toTree(cfg));
        ObjectNode state = BenchReport.JSON.createObjectNode();
        state.put("iteration", step);
        state.put("total_iterations", plan.temperatureIterations());
        state.put("ramp_up_end_step", plan.gammaRampEnd());
        state.put("epoch", (int) (step / plan.stepsPerEpoch()));
        BenchReport.JSON.writeValue(in.resolve("state.json").toFile(), state);
        writeParameters(model.namedParameters(), in.resolve("params"));
        int s = cfg.data().inputSize();
        Npy.writeFloat32(in.resolve("batch_x.npy"), images, (long) labels.length, cfg.data().numChannels(), s, s);
        long[] y = new long[labels.length];
        for (int i = 0; i < y.length; i++) {
            y[i] = labels[i];
        }
        Npy.writeInt64(in.resolve("batch_y.npy"), y, (long) y.length);
    }

    private ObjectNode compare(VitSomConfig cfg, VitSom model, StepResult java, float[][] distances,
                               Map<String, float[]> javaGrads, Path ref) throws IOException {
        JsonNode r = BenchReport.JSON.readTree(ref.resolve("result.json").toFile());
        ObjectNode report = BenchReport.JSON.createObjectNode();
        report.put("torch_version", r.path("torch_version").asText());
        double worst = 0;
        ObjectNode losses = report.putObject("losses");
        for (var term : Map.of("recon_loss", java.reconLoss(), "cls_loss", java.clsLoss(), "som_loss", java.somLoss(),
                "total_loss", java.totalLoss()).entrySet()) {
            if (r.path(term.getKey()).isNull() || r.path(term.getKey()).isMissingNode()) {
                continue;
            }
            double torch = r.path(term.getKey()).asDouble();
            double rel = relative(term.getValue(), torch);
            worst = Math.max(worst, rel);
            ObjectNode t = losses.putObject(term.getKey());
            t.put("java", term.getValue());
            t.put("pytorch", torch);
            t.put("relative_error", rel);
        }
        if (java.bmus().length > 0) {
            long[] torchBmu = Npy.read(ref.resolve("bmu.npy")).longs();
            int mismatches = 0;
            int nonTies = 0;
            for (int i = 0; i < torchBmu.length; i++) {
                if (torchBmu[i] != java.bmus()[i]) {
                    mismatches++;
                    float gap = Math.abs(distances[i][(int) torchBmu[i]] - distances[i][(int) java.bmus()[i]]);
                    if (gap > 1e-5f) {
                        nonTies++;
                    }
                }
            }
            ObjectNode bmu = report.putObject("bmu");
            bmu.put("images", torchBmu.length);
            bmu.put("mismatches", mismatches);
            bmu.put("mismatches_not_ties", nonTies);
            report.put("bmu_ok", nonTies == 0);
        }
        ObjectNode grads = report.putObject("gradients");
        String worstGrad = "";
        double worstGradError = 0;
        double[] gradTotals = new double[2];
        for (var e : javaGrads.entrySet()) {
            Path f = ref.resolve("grads").resolve(e.getKey() + ".npy");
            if (!Files.exists(f)) {
                throw new IOException("the reference has no gradient for " + e.getKey());
            }
            float[] torchGrad = Npy.read(f).floats();
            double rel = relativeL2(e.getValue(), torchGrad);
            accumulate(gradTotals, e.getValue(), torchGrad);
            grads.put(e.getKey(), rel);
            if (rel > worstGradError) {
                worstGradError = rel;
                worstGrad = e.getKey();
            }
        }
        report.put("worst_gradient", worstGrad);
        report.put("worst_gradient_relative_error", worstGradError);
        double gradError = Math.sqrt(gradTotals[0] / gradTotals[1]);
        report.put("gradient_relative_error", gradError);
        ObjectNode params = report.putObject("params_after_step");
        String worstParam = "";
        double worstParamError = 0;
        double worstKeyBias = 0;
        double[] paramTotals = new double[2];
        for (var e : model.namedParameters().entrySet()) {
            if (!e.getValue().requiresGradient()) {
                continue;
            }
            Path f = ref.resolve("params_after").resolve(e.getKey() + ".npy");
            float[] torch = Npy.read(f).floats();
            float[] mine = e.getValue().getArray().toFloatArray();
            Files.createDirectories(ref.getParent().resolve("java_after"));
            Npy.writeFloat32(ref.getParent().resolve("java_after").resolve(e.getKey() + ".npy"), mine,
                    e.getValue().getArray().getShape().getShape());
            double diffSquares = 0;
            double valueSquares = 1e-300;
            // The key bias has an exactly zero gradient (adding a constant to every key of a row shifts all its
            // scores equally; softmax ignores that), so Adam's first step turns float rounding noise into
            // updates of up to +-lr. It is checked apart, against the learning rate.
            boolean keyBias = e.getKey().endsWith("attn.qkv.bias");
            int width = torch.length / 3;
            double keyBiasDiff = 0;
            for (int i = 0; i < torch.length; i++) {
                double d = Math.abs(mine[i] - torch[i]);
                if (keyBias && i >= width && i < 2 * width) {
                    keyBiasDiff = Math.max(keyBiasDiff, d);
                    continue;
                }
                diffSquares += d * d;
                valueSquares += (double) torch[i] * torch[i];
                paramTotals[0] += d * d;
                paramTotals[1] += (double) torch[i] * torch[i];
            }
            if (keyBias) {
                worstKeyBias = Math.max(worstKeyBias, keyBiasDiff / java.learningRate());
            }
            double rel = Math.sqrt(diffSquares / valueSquares);
            params.put(e.getKey(), rel);
            if (rel > worstParamError) {
                worstParamError = rel;
                worstParam = e.getKey();
            }
        }
        report.put("params_error_definition", "||java - pytorch||_2 / ||pytorch||_2 per tensor, key biases apart");
        report.put("worst_param", worstParam);
        report.put("worst_param_relative_error", worstParamError);
        report.put("worst_loss_relative_error", worst);
        double paramError = Math.sqrt(paramTotals[0] / paramTotals[1]);
        report.put("params_relative_error", paramError);
        report.put("key_bias_max_difference_in_lr_units", worstKeyBias);
        // Pass on model-wide norms: per-tensor numbers are reported too, but a bias whose gradient sums many
        // terms that cancel, or an Adam update where |g| is near eps, can differ by 1e-4 in one tensor while
        // the computation is the same.
        report.put("pass", worst <= tolerance && gradError <= tolerance && paramError <= tolerance
                && worstKeyBias <= 2.0
                && report.path("bmu_ok").asBoolean(true));
        System.err.printf(Locale.ROOT, "losses: worst relative error %.2e%ngradients: %.2e relative (L2, whole model); "
                + "worst tensor %.2e (%s)%nparameters after one AdamW step: %.2e relative (L2, whole model); "
                + "worst tensor %.2e (%s)%n", worst, gradError, worstGradError, worstGrad, paramError,
                worstParamError, worstParam);
        return report;
    }

    /** Every parameter as {@code folder/<name>.npy} (float32, its shape), the layout the reference scripts load. */
    static void writeParameters(Map<String, Parameter> parameters, Path folder) throws IOException {
        for (var e : parameters.entrySet()) {
            NDArray a = e.getValue().getArray();
            Npy.writeFloat32(folder.resolve(e.getKey() + ".npy"), a.toFloatArray(), a.getShape().getShape());
        }
    }

    /** Adds {@code ||a - b||^2} to {@code totals[0]} and {@code ||b||^2} to {@code totals[1]}. */
    static void accumulate(double[] totals, float[] a, float[] b) {
        for (int i = 0; i < a.length; i++) {
            totals[0] += Math.pow(a[i] - b[i], 2);
            totals[1] += (double) b[i] * b[i];
        }
    }

    /** {@code ||a - b||_2 / ||b||_2}. */
    static double relativeL2(float[] a, float[] b) {
        double diff = 0;
        double norm = 1e-300;
        for (int i = 0; i < a.length; i++) {
            diff += Math.pow(a[i] - b[i], 2);
            norm += (double) b[i] * b[i];
        }
        return Math.sqrt(diff / norm);
    }

    static double relative(double a, double b) {
        return Math.abs(a - b) / Math.max(Math.abs(b), 1e-12);
    }
}
