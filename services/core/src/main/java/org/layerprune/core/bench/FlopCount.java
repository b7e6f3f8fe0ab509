package org.layerprune.core.bench;

import org.layerprune.core.model.LlamaConfig;

/**
 * Floating-point operations of one forward pass, counting a multiply-add as 2 and only matrix products:
 * the q/k/v/o, gate/up/down and lm_head projections of every position, plus the two attention products
 * (scores = Q K^T and context = P V) over the full S x S square, since the masked half is computed too.
 * Norms, RoPE, softmax and SiLU are elementwise, O(S H) against O(S H^2), and left out.
 */
public final class FlopCount {

    private FlopCount() {
    }

    /** FLOPs of the forward pass of a [batch, seq] input with logits for every position. */
    public static double forward(LlamaConfig c, int batch, int seq) {
        double tokens = (double) batch * seq;
        double h = c.hiddenSize();
        double projections = h * c.queryWidth() * 2         // q_proj, o_proj
                + h * c.keyValueWidth() * 2                  // k_proj, v_proj
                + h * c.intermediateSize() * 3;              // gate_proj, up_proj, down_proj
        double attention = 2.0 * seq * c.queryWidth();       // Q K^T and P V, per query position
        double perLayer = 2 * tokens * (projections + attention);
        double lmHead = 2 * tokens * h * c.vocabSize();
        return c.numHiddenLayers() * perLayer + lmHead;
    }

    /** FLOPs of an [m, k] x [k, n] matrix product. */
    public static double matmul(long m, long k, long n) {
        return 2.0 * m * k * n;
    }
}
