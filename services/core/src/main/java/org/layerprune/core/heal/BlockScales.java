package org.layerprune.core.heal;

/**
 * The absmax scale of every block of an {@link Nf4Tensor}: stored as float32, or double quantised.
 */
public sealed interface BlockScales permits Float32Scales, DoubleQuantizedScales {

    /** Number of blocks, one scale each. */
    int count();

    /** The scale of block {@code block} as dequantisation uses it (for double quantisation, the decoded value). */
    float scale(int block);

    /** Bytes of storage, not counting object headers or the shared code books. */
    long bytes();

    /** Every scale, decoded: [count()]. */
    default float[] toFloatArray() {
        float[] out = new float[count()];
        for (int b = 0; b < out.length; b++) {
            out[b] = scale(b);
        }
        return out;
    }
}
