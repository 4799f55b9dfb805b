package io.vitsom.model.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValue;
import io.vitsom.model.nn.Autograd;
import io.vitsom.model.nn.TorchScriptKernels;
import io.vitsom.model.config.VitSomConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * AdamW with decoupled weight decay and parameter groups, step for step as {@code torch.optim.AdamW}
 * (PyTorch's single-tensor path): {@code p *= 1 - lr*wd; m = b1 m + (1-b1) g; v = b2 v + (1-b2) g^2;
 * p -= lr/(1-b1^t) * m / (sqrt(v)/sqrt(1-b2^t) + eps)}. With {@code coupled = true} it is Adam with L2
 * decay added to the gradient ({@code type: adam}).
 *
 * <p>Runs outside autograd (after the gradient collector is closed), updates parameters in place and
 * zeroes their gradients. AdamW runs in libtorch's fused kernel ({@code torch._fused_adamw_}, the same
 * formula in one pass per tensor); the op-by-op version below is the fallback and Adam's path.
 */
public final class AdamW implements AutoCloseable {
    /** {@code -Dvitsom.adamw=unfused} runs the op-by-op update instead of libtorch's fused kernel. */
    private static final boolean FUSED_ENABLED = !"unfused".equals(System.getProperty("vitsom.adamw"));

    /** AdamW's default weight decay, which the reference's SOM/head group inherits. */
    public static final double DEFAULT_WEIGHT_DECAY = 0.01;
    /** PyTorch's default epsilon. */
    public static final double EPS = 1e-8;

    private final double beta1;
    private final double beta2;
    private final boolean coupled;
    private final List<Slot> slots = new ArrayList<>();
    private long step;
    private java.util.function.BiConsumer<String, NDArray> gradientObserver = (name, grad) -> { };

    /** One parameter with its decay, moment buffers and (for the fused kernel) its step tensor. */
    private record Slot(String name, Parameter parameter, double weightDecay, NDArray m, NDArray v, NDArray steps) {
    }

    /** libtorch's fused AdamW when available (AdamW only); null runs the op-by-op update below. */
    private final PtSymbolBlock fused;

    /**
     * @param weightDecays weight decay of each parameter's group, by name
     * @param parameters trainable parameters by name
     * @param beta1 first-moment decay
     * @param beta2 second-moment decay
     * @param coupled {@code true} for Adam with L2 decay in the gradient, {@code false} for AdamW
     * @param manager owns the moment buffers
     */
    public AdamW(Map<String, Double> weightDecays, Map<String, Parameter> parameters, double beta1, double beta2,
                 boolean coupled, NDManager manager) {
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.coupled = coupled;
        for (var e : parameters.entrySet()) {
            NDArray p = e.getValue().getArray();
            Double decay = weightDecays.get(e.getKey());
            if (decay == null) {
                throw new IllegalArgumentException("no weight decay given for " + e.getKey());
            }
            slots.add(new Slot(e.getKey(), e.getValue(), decay,
                    manager.zeros(p.getShape(), p.getDataType(), p.getDevice()),
                    manager.zeros(p.getShape(), p.getDataType(), p.getDevice()),
                    manager.zeros(new Shape(), DataType.FLOAT32, p.getDevice())));
        }
        this.fused = coupled || !FUSED_ENABLED ? null : TorchScriptKernels.fusedAdamW(manager);
    }

    /**
     * The reference's groups: ViT parameters ({@code vit.*}) decay with {@code weight_decay} when they have
     * two or more dimensions and not at all when 1-D; the SOM prototypes and the head use AdamW's default
     * 0.01. Fixed (non-trainable) parameters are left out, and so is the decoder of a classification config:
     * its output is not in the loss, so PyTorch's AdamW skips it (no gradient, no weight decay).
     */
    public static AdamW forModel(Map<String, Parameter> named, VitSomConfig config, NDManager manager) {
        VitSomConfig.Optimizer opt = config.optimizer();
        boolean classification = config.classification();
        Map<String, Parameter> trainable = new LinkedHashMap<>();
        Map<String, Double> decays = new LinkedHashMap<>();
        for (var e : named.entrySet()) {
            Parameter p = e.getValue();
            if (!p.requiresGradient() || (classification && e.getKey().startsWith("vit.decoder"))) {
                continue;
            }
            trainable.put(e.getKey(), p);
            double decay;
            if (e.getKey().startsWith("vit.")) {
                decay = p.getArray().getShape().dimension() >= 2 ? opt.weightDecay() : 0.0;
            } else {
                decay = DEFAULT_WEIGHT_DECAY;
            }
            decays.put(e.getKey(), decay);
        }
        return new AdamW(decays, trainable, opt.beta1(), opt.beta2(), opt.type().equals("adam"), manager);
    }

    /** Applies one update with learning rate {@code lr} from the parameters' current gradients, then zeroes them. */
    public void step(double lr) {
        if (fused != null) {
            fusedStep(lr);
            return;
        }
        step++;
        double bc1 = 1 - Math.pow(beta1, step);
        double bc2Sqrt = Math.sqrt(1 - Math.pow(beta2, step));
        double stepSize = lr / bc1;
        // In-place updates of leaf parameters must not be recorded: grad mode is per thread and on by default on any
        // thread but the engine's (a learner's, a test's), where libtorch refuses them (Autograd's Javadoc).
        for (Slot s : slots) {
            try (NDScope scope = new NDScope(); Autograd off = Autograd.off()) {
                scope.suppressNotUsedWarning();
                NDArray p = s.parameter.getArray();
                NDArray g = p.getGradient();
                gradientObserver.accept(s.name, g);
                if (coupled) {
                    g = g.add(p.mul(s.weightDecay));
                } else if (s.weightDecay != 0) {
                    p.muli(1 - lr * s.weightDecay);
                }
                s.m.muli(beta1).addi(g.mul(1 - beta1));
                s.v.muli(beta2).addi(g.mul(g).muli(1 - beta2));
                NDArray denom = s.v.sqrt().divi(bc2Sqrt).addi(EPS);
                p.subi(s.m.div(denom).muli(stepSize));
                NDArray grad = p.getGradient();
                grad.subi(grad);
            }
        }
    }

    /** One call of the fused kernel per weight-decay group; it advances the step tensors and zeroes the gradients. */
    private void fusedStep(double lr) {
        step++;
        Map<Double, List<Slot>> groups = new LinkedHashMap<>();
        for (Slot s : slots) {
            groups.computeIfAbsent(s.weightDecay, d -> new ArrayList<>()).add(s);
        }
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            for (var group : groups.entrySet()) {
                List<Slot> members = group.getValue();
                int n = members.size();
                PtNDArray[] params = new PtNDArray[n];
                PtNDArray[] grads = new PtNDArray[n];
                PtNDArray[] ms = new PtNDArray[n];
                PtNDArray[] vs = new PtNDArray[n];
                PtNDArray[] steps = new PtNDArray[n];
                for (int i = 0; i < n; i++) {
                    Slot s = members.get(i);
                    params[i] = (PtNDArray) s.parameter.getArray();
                    grads[i] = (PtNDArray) params[i].getGradient();
                    gradientObserver.accept(s.name, grads[i]);
                    ms[i] = (PtNDArray) s.m;
                    vs[i] = (PtNDArray) s.v;
                    steps[i] = (PtNDArray) s.steps;
                }
                IValue[] args = {IValue.listFrom(params), IValue.listFrom(grads), IValue.listFrom(ms),
                    IValue.listFrom(vs), IValue.listFrom(steps), IValue.from(lr), IValue.from(beta1),
                    IValue.from(beta2), IValue.from(group.getKey()), IValue.from(EPS)};
                try (IValue result = fused.forward(args)) {
                    result.getType();
                } finally {
                    for (IValue a : args) {
                        a.close();
                    }
                }
            }
        }
    }

    /** Sees every parameter's gradient before it is applied (reference checks compare them). */
    public void setGradientObserver(java.util.function.BiConsumer<String, NDArray> observer) {
        this.gradientObserver = java.util.Objects.requireNonNull(observer, "observer");
    }

    /** Steps taken so far (PyTorch's per-parameter {@code state['step']}). */
    public long stepCount() {
        return step;
    }

    /** Restores the step count (checkpoint loading); moment buffers are restored through {@link #moments()}. */
    public void setStepCount(long steps) {
        this.step = steps;
        for (Slot s : slots) {
            s.steps.set(new float[] {steps});
        }
    }

    /** The moment buffers by name: {@code <param>.exp_avg} and {@code <param>.exp_avg_sq}, live (not copies). */
    public Map<String, NDArray> moments() {
        Map<String, NDArray> out = new LinkedHashMap<>();
        for (Slot s : slots) {
            out.put(s.name + ".exp_avg", s.m);
            out.put(s.name + ".exp_avg_sq", s.v);
        }
        return out;
    }

    /** Weight decay per parameter name, for reports and tests. */
    public Map<String, Double> weightDecays() {
        Map<String, Double> out = new LinkedHashMap<>();
        slots.forEach(s -> out.put(s.name, s.weightDecay));
        return out;
    }

    @Override
    public void close() {
        for (Slot s : slots) {
            s.m.close();
            s.v.close();
            s.steps.close();
        }
    }
}
