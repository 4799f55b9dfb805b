package io.vitsom.model.vitsom;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import io.vitsom.model.config.VitSomConfig;
import io.vitsom.model.infer.Assignments;
import io.vitsom.model.infer.VitSomPredictor;
import io.vitsom.model.map.MapModel;
import io.vitsom.model.map.MapTrainer;
import io.vitsom.model.map.OrganisationSchedule;
import io.vitsom.model.map.PrototypeReseeding;
import io.vitsom.model.nn.SomLayer;
import java.nio.FloatBuffer;
import io.vitsom.model.nn.VitSom;
import io.vitsom.model.train.StepResult;
import io.vitsom.model.train.StreamingSchedule;
import io.vitsom.model.train.TrainingSchedule;
import io.vitsom.model.train.VitSomTrainer;
import java.util.Map;
import java.util.Objects;

/**
 * ViT-SOM as a {@link MapModel}: the {@link VitSom} block, its predictor and its trainer behind the seam. Units
 * are the SOM's prototypes; a unit's picture is its decoded prototype.
 */
public final class VitSomMapModel implements MapModel, PrototypeReseeding {
    private final VitSom model;
    private final NDManager manager;
    private final VitSomPredictor predictor;
    /**
     * Set once anything may change the parameters (a trainer, re-seeding, the block handed out); until then
     * {@link #assign} pins the SOM's normalised prototypes ({@link SomLayer#pin}), as serving's loaded checkpoints do.
     */
    private volatile boolean mutable;

    /**
     * @param model an initialised model
     * @param manager the manager that owns its parameters
     */
    public VitSomMapModel(VitSom model, NDManager manager) {
        this.model = Objects.requireNonNull(model, "model");
        this.manager = Objects.requireNonNull(manager, "manager");
        this.predictor = new VitSomPredictor(model, manager);
    }

    /** The wrapped block (for the benchmark and the reference comparison, which need ViT-SOM's own parts). */
    public VitSom vitSom() {
        mutable();
        return model;
    }

    /** The manager that owns the parameters. */
    public NDManager manager() {
        return manager;
    }

    @Override
    public VitSomConfig config() {
        return model.config();
    }

    @Override
    public Map<String, Parameter> namedParameters() {
        // The caller may write them (a checkpoint loads this way); the next assign pins them again.
        model.som().ifPresent(SomLayer::unpin);
        return model.namedParameters();
    }

    @Override
    public long trainableParameterCount() {
        return model.trainableParameterCount();
    }

    @Override
    public Assignments assign(float[] images, int count) {
        if (!mutable) {
            model.som().ifPresent(SomLayer::pin);
        }
        return predictor.bmus(images, count);
    }

    @Override
    public float[] prototypes() {
        return model.som().orElseThrow(() -> new UnsupportedOperationException("model_arch vit has no map"))
                .prototypes().getArray().toFloatArray();
    }

    @Override
    public int prototypeDim() {
        return model.config().somInputDim();
    }

    @Override
    public float[][] unitPictures(float[] recent, int count) {
        // CLS-space prototypes (use_reduced) have no decoder input; without images there is no latent scale.
        if (model.config().som().useReduced() || recent == null || count == 0) {
            return null;
        }
        return predictor.decodePrototypes(predictor.meanLatentNorm(recent, count));
    }

    @Override
    public void reseed(int[] units, float[] images) {
        if (units.length == 0) {
            return;
        }
        mutable();
        float[] latent = predictor.latent(images, units.length);
        SomLayer som = model.som().orElseThrow();
        NDArray w = som.prototypes().getArray();
        float[] all = w.toFloatArray();
        int dim = som.inputDim();
        for (int k = 0; k < units.length; k++) {
            System.arraycopy(latent, k * dim, all, units[k] * dim, dim);
        }
        w.set(FloatBuffer.wrap(all));
    }

    @Override
    public Trainer newTrainer(TrainingSchedule schedule) {
        mutable();
        return new Trainer(new VitSomTrainer(model, manager, schedule));
    }

    @Override
    public OrganisationSchedule streamingSchedule(long horizonImages) {
        return StreamingSchedule.perStep(model.config(), horizonImages);
    }

    private void mutable() {
        mutable = true;
        model.som().ifPresent(SomLayer::unpin);
    }

    /** {@link VitSomTrainer} as a {@link MapTrainer}. */
    public final class Trainer implements MapTrainer {
        private final VitSomTrainer trainer;

        private Trainer(VitSomTrainer trainer) {
            this.trainer = trainer;
        }

        /** The wrapped trainer. */
        public VitSomTrainer vitSomTrainer() {
            return trainer;
        }

        @Override
        public VitSomMapModel map() {
            return VitSomMapModel.this;
        }

        @Override
        public StepResult step(float[] images, int count) {
            return trainer.step(images, null, count);
        }

        @Override
        public long stepCount() {
            return trainer.stepCount();
        }

        @Override
        public void setStepCount(long steps) {
            trainer.setStepCount(steps);
        }

        @Override
        public TrainingSchedule schedule() {
            return trainer.schedule();
        }

        @Override
        public Map<String, NDArray> optimizerMoments() {
            return trainer.optimizer().moments();
        }

        @Override
        public long optimizerStepCount() {
            return trainer.optimizer().stepCount();
        }

        @Override
        public void setOptimizerStepCount(long steps) {
            trainer.optimizer().setStepCount(steps);
        }

        @Override
        public void close() {
            trainer.close();
        }
    }
}
