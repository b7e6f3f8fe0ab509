package org.layerprune.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/** Additive attention masks: 0 where a query may attend, -inf where it may not. */
final class CausalMask {

    private CausalMask() {
    }

    /**
     * Query i sees key j when {@code j <= i} and, with a window W > 0, {@code i - j < W} (transformers'
     * sliding-window rule: W keys including the query's own).
     *
     * @return [1, 1, S, S]
     */
    static NDArray of(NDManager manager, int seqLen, int window) {
        float[] mask = new float[seqLen * seqLen];
        for (int i = 0; i < seqLen; i++) {
            for (int j = 0; j < seqLen; j++) {
                boolean visible = j <= i && (window <= 0 || i - j < window);
                mask[i * seqLen + j] = visible ? 0f : Float.NEGATIVE_INFINITY;
            }
        }
        return manager.create(mask, new Shape(1, 1, seqLen, seqLen));
    }
}
