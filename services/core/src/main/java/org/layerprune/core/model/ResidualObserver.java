package org.layerprune.core.model;

import ai.djl.ndarray.NDArray;

/**
 * Watches the residual stream between layers. Boundary l carries x^(l): l = 0 is the embedding output, l
 * = L the output of the last layer BEFORE the final norm (the paper's convention; transformers' last
 * hidden state is after the norm).
 */
@FunctionalInterface
public interface ResidualObserver {

    /** An observer that looks at nothing and never stops the pass. */
    ResidualObserver NONE = (boundary, residual, batch) -> true;

    /**
     * @param boundary l, from 0 to L
     * @param residual [B, S, H] x^(l); it is freed after the call, so copy what you keep
     *                 ({@link TokenBatch#lastTokens} then {@code attach} to your own manager)
     * @param batch    the batch, to find each row's last real token
     * @return true to go on to layer l, false to stop the pass here
     */
    boolean observe(int boundary, NDArray residual, TokenBatch batch);
}
