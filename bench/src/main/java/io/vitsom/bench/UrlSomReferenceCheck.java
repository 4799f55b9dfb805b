package io.vitsom.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vitsom.model.io.Npy;
import io.vitsom.model.map.MapModels;
import io.vitsom.model.train.StepResult;
import io.vitsom.model.urlsom.UrlSomConfig;
import io.vitsom.model.urlsom.UrlSomModel;
import io.vitsom.model.urlsom.UrlSomNet;
import io.vitsom.model.urlsom.UrlSomTrainer;
import io.vitsom.model.urlsom.UrlSomViews;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code check-reference} for a URL-SOM config, against {@code bench/reference/check_url_som.py}: the same
 * parameters (every name of {@code namedParameters()}, running statistics included), the inference-mode logits of
 * one batch, then one training step on the views the trainer itself makes (replayed with its seed) at the step
 * {@code --step}: loss terms, BMUs, gradients and every named tensor after one Adam step.
 * {@link CheckReferenceCommand} dispatches here on {@code model_arch}.
 */
final class UrlSomReferenceCheck {
    /** {@code check-reference}'s options, as this check uses them. */
    record Settings(Path config, long step, int trainSize, Path data, int seed, double tolerance, String python) {
    }

    private final Settings settings;

    UrlSomReferenceCheck(Settings settings) {
        this.settings = settings;
    }

    /** Runs the check in {@code dir} (with its {@code in/params} and {@code out}); the exit code, 0 on a pass. */
    int run(UrlSomConfig cfg, Path dir) throws Exception {
        int b = cfg.batchSize();
        int c = cfg.numChannels();
        int s = cfg.inputSize();
        long step = settings.step();
        Path in = dir.resolve("in");
        Path ref = dir.resolve("out");
        PythonReference python = PythonReference.locate(settings.python());
        float[] images = CheckReferenceCommand.batchImages(cfg, b, settings.data(), settings.seed());
        long viewSeed = settings.seed() + 1L;
        try (NDManager manager = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(settings.seed());
            UrlSomModel model = (UrlSomModel) MapModels.create(cfg, manager);
            var schedule = model.streamingSchedule((long) settings.trainSize() * cfg.batchSize());
            double lr = schedule.learningRate(step);
            double gamma = schedule.gamma(step);
            // The trainer's views, replayed: a fresh UrlSomViews with the trainer's seed draws the same ones.
            float[][] views = new UrlSomViews(cfg.augment(), c, s, viewSeed).twoViews(images, b);
            BenchReport.JSON.writeValue(in.resolve("spec.json").toFile(), UrlSomStepBench.urlSomSpec(cfg));
            ObjectNode state = BenchReport.JSON.createObjectNode();
            state.put("lr", lr);
            state.put("gamma", gamma);
            BenchReport.JSON.writeValue(in.resolve("state.json").toFile(), state);
            CheckReferenceCommand.writeParameters(model.namedParameters(), in.resolve("params"));
            Npy.writeFloat32(in.resolve("batch_x.npy"), images, (long) b, c, s, s);
            Npy.writeFloat32(in.resolve("view_a.npy"), views[0], (long) b, c, s, s);
            Npy.writeFloat32(in.resolve("view_b.npy"), views[1], (long) b, c, s, s);
            System.err.println("running the PyTorch reference (check_url_som.py) ...");
            python.run("check_url_som.py", List.of("--in", in.toString(), "--out", ref.toString(),
                    "--threads", String.valueOf(Runtime.getRuntime().availableProcessors())));
            // Inference-mode logits, before the step.
            float[] logits;
            try (NDManager sub = manager.newSubManager()) {
                NDArray x = sub.create(images, new Shape(b, c, s, s));
                logits = UrlSomNet.Outputs.of(model.net().forward(new ParameterStore(sub, false), new NDList(x), false))
                        .logits().toFloatArray();
            }
            StepResult java;
            Map<String, float[]> javaGrads = new LinkedHashMap<>();
            try (UrlSomTrainer trainer = new UrlSomTrainer(model, schedule, viewSeed)) {
                trainer.optimizer().setGradientObserver((n, g) -> javaGrads.put(n, g.toFloatArray()));
                trainer.setStepCount(step);
                java = trainer.step(images, b);
            }
            ObjectNode report = compare(model, logits, java, javaGrads, ref);
            report.put("config", settings.config().toString());
            report.put("model_arch", cfg.modelArch());
            report.put("batch", b);
            report.put("step", step);
            report.put("learning_rate", lr);
            report.put("tolerance", settings.tolerance());
            return CheckReferenceCommand.writeReport(dir, report, settings.tolerance());
        }
    }

    private ObjectNode compare(UrlSomModel model, float[] logits, StepResult java, Map<String, float[]> javaGrads,
                               Path ref) throws IOException {
        JsonNode r = BenchReport.JSON.readTree(ref.resolve("result.json").toFile());
        ObjectNode report = BenchReport.JSON.createObjectNode();
        report.put("torch_version", r.path("torch_version").asText());
        float[] torchLogits = Npy.read(ref.resolve("logits.npy")).floats();
        double logitError = CheckReferenceCommand.relativeL2(logits, torchLogits);
        double logitMaxAbs = 0;
        for (int i = 0; i < logits.length; i++) {
            logitMaxAbs = Math.max(logitMaxAbs, Math.abs(logits[i] - torchLogits[i]));
        }
        report.put("logits_relative_error", logitError);
        report.put("logits_max_abs_difference", logitMaxAbs);
        report.put("logits_error_definition", "||java - pytorch||_2 / ||pytorch||_2 over the batch's inference-mode logits");
        ObjectNode losses = report.putObject("losses");
        double worst = 0;
        // The Java step reports total and wta + collapse (its somLoss); the reference reports each term.
        double[][] terms = {
            {java.totalLoss(), r.path("total_loss").asDouble()},
            {java.somLoss(), r.path("wta").asDouble() + r.path("collapse").asDouble()},
        };
        String[] names = {"total_loss", "wta_plus_collapse"};
        for (int i = 0; i < terms.length; i++) {
            double rel = CheckReferenceCommand.relative(terms[i][0], terms[i][1]);
            worst = Math.max(worst, rel);
            ObjectNode t = losses.putObject(names[i]);
            t.put("java", terms[i][0]);
            t.put("pytorch", terms[i][1]);
            t.put("relative_error", rel);
        }
        report.put("worst_loss_relative_error", worst);
        long[] torchBmu = Npy.read(ref.resolve("bmu.npy")).longs();
        int mismatches = 0;
        for (int i = 0; i < torchBmu.length; i++) {
            if (torchBmu[i] != java.bmus()[i]) {
                mismatches++;
            }
        }
        ObjectNode bmu = report.putObject("bmu");
        bmu.put("images", torchBmu.length);
        bmu.put("mismatches", mismatches);
        // Near-uniform probabilities at initialisation make BMU ties likely; reported, not a failure.
        double[] gradTotals = new double[2];
        ObjectNode grads = report.putObject("gradients");
        for (var e : javaGrads.entrySet()) {
            Path f = ref.resolve("grads").resolve(e.getKey() + ".npy");
            if (!Files.exists(f)) {
                throw new IOException("the reference has no gradient for " + e.getKey());
            }
            float[] torchGrad = Npy.read(f).floats();
            grads.put(e.getKey(), CheckReferenceCommand.relativeL2(e.getValue(), torchGrad));
            CheckReferenceCommand.accumulate(gradTotals, e.getValue(), torchGrad);
        }
        double gradError = Math.sqrt(gradTotals[0] / Math.max(gradTotals[1], 1e-300));
        report.put("gradient_relative_error", gradError);
        double[] paramTotals = new double[2];
        ObjectNode params = report.putObject("params_after_step");
        for (var e : model.namedParameters().entrySet()) {
            float[] torch = Npy.read(ref.resolve("params_after").resolve(e.getKey() + ".npy")).floats();
            float[] mine = e.getValue().getArray().toFloatArray();
            params.put(e.getKey(), CheckReferenceCommand.relativeL2(mine, torch));
            CheckReferenceCommand.accumulate(paramTotals, mine, torch);
        }
        double paramError = Math.sqrt(paramTotals[0] / paramTotals[1]);
        report.put("params_error_definition", "||java - pytorch||_2 / ||pytorch||_2 over every named tensor "
                + "(running statistics included) after one Adam step");
        report.put("params_relative_error", paramError);
        double tolerance = settings.tolerance();
        report.put("pass", logitError <= tolerance && worst <= tolerance && gradError <= tolerance
                && paramError <= tolerance);
        System.err.printf(Locale.ROOT, "logits: %.2e relative (L2), max |diff| %.2e%nlosses: worst relative error "
                        + "%.2e%ngradients: %.2e relative (L2, whole model)%nnamed tensors after one Adam step: %.2e "
                        + "relative (L2, whole model); BMU mismatches %d of %d%n", logitError, logitMaxAbs, worst,
                gradError, paramError, mismatches, torchBmu.length);
        return report;
    }
}
