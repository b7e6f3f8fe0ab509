package org.layerprune.core.bench;

import org.layerprune.core.heal.LoraConfig;
import org.layerprune.core.heal.LoraTrainer;
import org.layerprune.core.model.LlamaConfig;

/**
 * Floating-point operations of a forward pass and of a LoRA training step, counting a multiply-add as 2 and only
 * matrix products: the q/k/v/o, gate/up/down and lm_head projections of every position, plus the two attention
 * products (scores = Q K^T and context = P V) over the full S x S square, since the masked half is computed too.
 * Norms, RoPE, softmax, SiLU, dropout and the loss's log-softmax are elementwise, O(S H) or O(S V) against
 * O(S H^2) or O(S H V), and left out; so is NF4 dequantisation, which is overhead, not model arithmetic.
 *
 * <p>Legend: T = B * S tokens, L layers, H hidden, I intermediate, Q = N * D query width, K = kv heads * D,
 * V vocabulary, r LoRA rank.
 * <pre>
 *   P    = 2 T L (H Q + H K + H K + Q H + 3 H I)     frozen projections q, k, v, o, gate, up, down
 *   A    = 2 T L (2 S Q)                              attention: Q K^T and P V, full S x S
 *   M    = 2 T H V                                    lm_head
 *   R    = 2 T L sum over targets of r (in + out)     LoRA: x A^T [T, in] x [in, r], then [T, r] x [r, out]
 *
 *   forward  = P + A + M + R
 *   backward = P + 2 A + M + 2 R
 *   step     = 2 P + 3 A + 2 M + 3 R
 * </pre>
 * The backward counts what the gradients of the LoRA factors need and nothing more: a frozen weight W (every
 * projection, and lm_head, tied or not) passes back only its input gradient dX = dY W, as many FLOPs as its
 * forward, never dW; attention passes back dQ, dK (from dS) and dP, dV, four products the size of its forward's two;
 * each LoRA product passes back both its input gradient and its factor's (dA, dB), twice its forward.
 *
 * <p>An upper bound by a little: the count gives every layer the backward of a layer whose input needs a gradient,
 * but layer 0's input (the embedding of frozen weights) needs none, and autograd skips what only it would need. With
 * the paper's MLP targets, layer 0's attention has nothing to train and its backward is skipped whole, as are
 * gate_proj's and up_proj's input gradients there (with their LoRA dX): 2 T (4 H^2 + 4 S Q + 2 H I + 2 r H) FLOPs
 * for Q = K = H, about 2.7% of the step of a 12-layer H 768, I 2048, V 32000 model at S 512 and r 64.
 */
public final class FlopCount {

    private FlopCount() {
    }

    /**
     * FLOPs of one LoRA training step, forward and backward, as {@link #loraStep} counts them. The optimizer's
     * update is elementwise and not counted.
     */
    public record Training(double forward, double backward) {

        public double total() {
            return forward + backward;
        }
    }

    /** FLOPs of the forward pass of a [batch, seq] input with logits for every position: P + A + M. */
    public static double forward(LlamaConfig c, int batch, int seq) {
        return projections(c, batch, seq) + attention(c, batch, seq) + lmHead(c, batch, seq);
    }

    /**
     * FLOPs of one LoRA update on [batch, seq] tokens (however they are split into micro-batches: every term is
     * linear in the rows), base weights frozen: forward P + A + M + R, backward P + 2 A + M + 2 R.
     */
    public static Training loraStep(LlamaConfig c, LoraConfig lora, int batch, int seq) {
        double p = projections(c, batch, seq);
        double a = attention(c, batch, seq);
        double m = lmHead(c, batch, seq);
        double r = lora(c, lora, batch, seq);
        return new Training(p + a + m + r, p + 2 * a + m + 2 * r);
    }

    /** FLOPs of an [m, k] x [k, n] matrix product. */
    public static double matmul(long m, long k, long n) {
        return 2.0 * m * k * n;
    }

    /** P: the seven frozen projections of every layer, at every position. */
    static double projections(LlamaConfig c, int batch, int seq) {
        double h = c.hiddenSize();
        double perToken = h * c.queryWidth() * 2       // q_proj, o_proj
                + h * c.keyValueWidth() * 2            // k_proj, v_proj
                + h * c.intermediateSize() * 3;        // gate_proj, up_proj, down_proj
        return 2 * tokens(batch, seq) * c.numHiddenLayers() * perToken;
    }

    /** A: Q K^T and P V of every layer, each query position against all S keys. */
    static double attention(LlamaConfig c, int batch, int seq) {
        return 2 * tokens(batch, seq) * c.numHiddenLayers() * (2.0 * seq * c.queryWidth());
    }

    /** M: lm_head at every position. */
    static double lmHead(LlamaConfig c, int batch, int seq) {
        return 2 * tokens(batch, seq) * c.hiddenSize() * (double) c.vocabSize();
    }

    /** R: the adapters' two products, {@code x A^T} and {@code (x A^T) B^T}, of every target in every layer. */
    static double lora(LlamaConfig c, LoraConfig lora, int batch, int seq) {
        double perToken = 0;
        for (String module : lora.targetModules()) {
            int[] outIn = LoraTrainer.shape(c, module);
            perToken += (double) lora.rank() * (outIn[1] + outIn[0]);
        }
        return 2 * tokens(batch, seq) * c.numHiddenLayers() * perToken;
    }

    private static double tokens(int batch, int seq) {
        return (double) batch * seq;
    }
}
