package org.layerprune.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Rotary position embeddings in transformers' rotate-half layout: dimension i of a head pairs with
 * i + D/2, both turned by the angle {@code position * inv_freq[i mod D/2]}.
 *
 * <p>Legend: B batch, N heads, S sequence, D head dim.
 */
public final class Rope {

    private final double[] invFreq; // [D/2]

    /** Inverse frequencies {@code theta^(-2i/D)}, then stretched by {@code scaling}. */
    public Rope(int headDim, double theta, RopeScaling scaling) {
        double[] base = new double[headDim / 2];
        for (int i = 0; i < base.length; i++) {
            base[i] = 1.0 / Math.pow(theta, (2.0 * i) / headDim);
        }
        this.invFreq = scaling.apply(base);
    }

    /**
     * The cos and sin tables for positions 0..S-1, angles computed in double so that long positions lose
     * no precision before the cast to float32.
     *
     * @return [cos, sin], each [1, 1, S, D]
     */
    public NDList tables(NDManager manager, int seqLen) {
        int half = invFreq.length;
        int dim = 2 * half;
        float[] cos = new float[seqLen * dim];
        float[] sin = new float[seqLen * dim];
        for (int p = 0; p < seqLen; p++) {
            for (int i = 0; i < half; i++) {
                double angle = p * invFreq[i];
                float c = (float) Math.cos(angle);
                float s = (float) Math.sin(angle);
                cos[p * dim + i] = c;
                cos[p * dim + i + half] = c;
                sin[p * dim + i] = s;
                sin[p * dim + i + half] = s;
            }
        }
        Shape shape = new Shape(1, 1, seqLen, dim);
        return new NDList(manager.create(cos, shape), manager.create(sin, shape));
    }

    /**
     * {@code x * cos + rotateHalf(x) * sin} (transformers' apply_rotary_pos_emb for one of q or k).
     *
     * @param x [B, N, S, D]
     * @param cos [1, 1, S, D]
     * @param sin [1, 1, S, D]
     * @return [B, N, S, D]
     */
    public static NDArray apply(NDArray x, NDArray cos, NDArray sin) {
        return x.mul(cos).add(rotateHalf(x).mul(sin));
    }

    /**
     * {@code [x1, x2] -> [-x2, x1]} where x1, x2 are the two halves of the last axis.
     *
     * @param x [B, N, S, D]
     * @return [B, N, S, D]
     */
    public static NDArray rotateHalf(NDArray x) {
        long half = x.getShape().get(3) / 2;
        NDArray x1 = x.get("..., :{}", half);  // [B, N, S, D/2]
        NDArray x2 = x.get("..., {}:", half);  // [B, N, S, D/2]
        return x2.neg().concat(x1, 3);         // [B, N, S, D]
    }
}
