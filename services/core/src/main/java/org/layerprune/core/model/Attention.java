package org.layerprune.core.model;

import ai.djl.ndarray.NDArray;

/**
 * Grouped-query causal self-attention with rotary embeddings, as transformers' LlamaAttention with its
 * eager attention function.
 *
 * <p>Legend: B batch, S sequence, H hidden, N query heads, K key/value heads, D head dim.
 *
 * @param numHeads   N
 * @param numKvHeads K
 * @param headDim    D
 */
public record Attention(Linear qProj, Linear kProj, Linear vProj, Linear oProj, int numHeads, int numKvHeads,
        int headDim) {

    /**
     * @param x    [B, S, H], already normalised
     * @param rope the batch's rotary tables
     * @param mask [1, 1, S, S] additive mask: 0 where a query may attend, -inf elsewhere
     * @return [B, S, H]
     */
    public NDArray forward(NDArray x, RotaryTables rope, NDArray mask) {
        return forward(x, rope, mask, Projection.PLAIN);
    }

    /**
     * The same, with each projection computed by {@code projection} (a trainer's adapters). Every in-place op
     * here overwrites a fresh matmul result that autograd does not keep, so gradients flow through it.
     */
    public NDArray forward(NDArray x, RotaryTables rope, NDArray mask, Projection projection) {
        long b = x.getShape().get(0);
        long s = x.getShape().get(1);
        NDArray q = heads(projection.apply("q_proj", qProj, x), numHeads);         // [B, N, S, D]
        NDArray k = heads(projection.apply("k_proj", kProj, x), numKvHeads);       // [B, K, S, D]
        NDArray v = heads(projection.apply("v_proj", vProj, x), numKvHeads);       // [B, K, S, D]
        q = Rope.apply(q, rope.cos(), rope.sin());
        k = repeatKv(Rope.apply(k, rope.cos(), rope.sin()), numHeads / numKvHeads); // [B, N, S, D]
        v = repeatKv(v, numHeads / numKvHeads);                                      // [B, N, S, D]
        // Scaled and masked in place: the [B, N, S, S] scores are the largest temporaries of the pass.
        NDArray scores = q.matMul(k.transpose(0, 1, 3, 2));      // [B, N, S, D] x [B, N, D, S] -> [B, N, S, S]
        scores.muli(Scalars.like(scores, 1.0 / Math.sqrt(headDim))).addi(mask); // the scale as training keeps it
        NDArray probs = scores.softmax(3);                       // [B, N, S, S], float32
        NDArray context = probs.matMul(v)                        // [B, N, S, D]
                .transpose(0, 2, 1, 3)                           // [B, S, N, D]
                .reshape(b, s, (long) numHeads * headDim);       // [B, S, N*D]
        return projection.apply("o_proj", oProj, context);      // [B, S, H]
    }

    /** [B, S, heads*D] -> [B, heads, S, D]. */
    private NDArray heads(NDArray projected, int count) {
        long b = projected.getShape().get(0);
        long s = projected.getShape().get(1);
        return projected.reshape(b, s, count, headDim).transpose(0, 2, 1, 3);
    }

    /**
     * Shares each key/value head with its group of query heads, as transformers' repeat_kv: query head h
     * reads key/value head h / groups.
     *
     * @param kv [B, K, S, D]
     * @return [B, K * groups, S, D]
     */
    public static NDArray repeatKv(NDArray kv, int groups) {
        return groups == 1 ? kv : kv.repeat(1, groups);
    }
}
