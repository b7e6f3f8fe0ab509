package org.layerprune.core.model;

import ai.djl.ndarray.NDArray;

/**
 * What a decoder layer's linear modules compute. Inference uses {@link #PLAIN}, the checkpoint's own
 * {@code x W^T + b}; a trainer hands in one that adds its adapters to chosen modules.
 */
@FunctionalInterface
public interface Projection {

    /** Every module as loaded. */
    Projection PLAIN = (module, linear, x) -> linear.forward(x);

    /**
     * @param module the Hugging Face name of the module: q_proj, k_proj, v_proj, o_proj, gate_proj, up_proj
     *     or down_proj
     * @param linear the module's frozen weights
     * @param x      [..., in]
     * @return [..., out], owned by x's manager
     */
    NDArray apply(String module, Linear linear, NDArray x);
}
