package org.layerprune.core.model;

import ai.djl.ndarray.NDArray;

/**
 * One pre-norm decoder layer, as transformers' LlamaDecoderLayer: attention and MLP, each behind an
 * RMSNorm and inside a residual connection.
 *
 * @param slidingWindow attention window in tokens, or 0 for full causal attention
 */
public record DecoderLayer(NDArray inputLayernorm, Attention selfAttn, NDArray postAttentionLayernorm, Mlp mlp,
        double rmsNormEps, int slidingWindow) {

    /**
     * @param x    [B, S, H] the residual stream entering the layer
     * @param mask [1, 1, S, S] this layer's additive causal mask
     * @return [B, S, H] the residual stream leaving it
     */
    public NDArray forward(NDArray x, RotaryTables rope, NDArray mask) {
        // Self attention; the residual is added in place into the block's fresh output, never into x,
        // which observers may still hold.
        NDArray h = selfAttn.forward(RmsNorm.rmsNorm(x, inputLayernorm, rmsNormEps), rope, mask).addi(x);
        // Fully connected
        return mlp.forward(RmsNorm.rmsNorm(h, postAttentionLayernorm, rmsNormEps)).addi(h);
    }

    /**
     * The same layer for a training pass: each projection computed by {@code projection}, and every op out of
     * place so that autograd finds what it saved untouched.
     *
     * @param x    [B, S, H] the residual stream entering the layer
     * @param mask [1, 1, S, S] this layer's additive causal mask
     * @return [B, S, H] the residual stream leaving it
     */
    public NDArray forwardForTraining(NDArray x, RotaryTables rope, NDArray mask, Projection projection) {
        // Self attention
        NDArray h = selfAttn.forward(RmsNorm.rmsNorm(x, inputLayernorm, rmsNormEps), rope, mask, projection).add(x);
        // Fully connected
        return mlp.forwardForTraining(RmsNorm.rmsNorm(h, postAttentionLayernorm, rmsNormEps), projection).add(h);
    }
}
