package io.vitsom.model.map;

/**
 * A map model whose units are prototypes in a latent space that images can be placed at: the continual learner's
 * upkeep re-seeds dead units from recent high-error images through it. ViT-SOM and Gen-SOM-Attn have it; URL-SOM,
 * whose units are outputs of a softmax, has not.
 */
public interface PrototypeReseeding {
    /**
     * Moves the prototype of each {@code units[k]} to the latent of image {@code k} of {@code images}
     * ({@code [units.length, C, H, W]} floats in [0, 1]). Unit indices never move: a re-seeded unit is the same grid
     * cell with a new prototype.
     */
    void reseed(int[] units, float[] images);
}
