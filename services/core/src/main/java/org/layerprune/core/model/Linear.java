package org.layerprune.core.model;

import ai.djl.ndarray.NDArray;

/**
 * A Hugging Face {@code nn.Linear}: {@code y = x W^T + b}, with W stored [out, in] as in the checkpoint.
 *
 * @param weight [out, in]
 * @param bias   [out], or null for a layer without bias
 */
public record Linear(NDArray weight, NDArray bias) {

    /**
     * @param x [..., in]
     * @return [..., out], owned by x's manager
     */
    public NDArray forward(NDArray x) {
        // torch's linear hands the transposed weight to BLAS without copying it.
        return ai.djl.nn.core.Linear.linear(x, weight, bias).singletonOrThrow();
    }
}
