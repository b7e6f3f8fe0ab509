package org.layerprune.core.heal;

/**
 * Block scales compressed by QLoRA's double quantisation (Dettmers et al. 2023, section 3, "Double Quantization"),
 * done as bitsandbytes' {@code quantize_4bit(..., compress_statistics=True)} does it:
 *
 * <ol>
 *   <li>{@code offset = mean(absmax)} over all blocks, float32;</li>
 *   <li>{@code absmax - offset} (float32) is cut into groups of 256 consecutive scales, the last maybe shorter;</li>
 *   <li>each group keeps its own float32 absmax {@code absmax2}, and each centred scale, divided by it, is stored
 *   as the 8-bit index of the nearest {@link DynamicMap} code ({@code quantize_blockwise(absmax - offset,
 *   blocksize=256)} with its default dynamic code).</li>
 * </ol>
 *
 * Decoding is {@code code[q] * absmax2[block / 256] + offset} in float32, as {@code dequantize_4bit} does. Storage is
 * 8 bits per block plus 32 bits per 256 blocks plus the offset: 0.127 bit per weight at block size 64 instead of
 * 0.5. The error of a decoded scale is at most half the dynamic code's largest gap (0.0140625 / 2) times its
 * group's {@code absmax2}.
 *
 * <p>Differences from bitsandbytes: the mean is summed in double and rounded once (torch sums float32 and can differ
 * in the last bit); the dynamic code may differ in the last bit of some entries (see {@link DynamicMap}).
 */
public final class DoubleQuantizedScales implements BlockScales {

    /** Scales per second-level group, fixed at 256 in bitsandbytes and QLoRA. */
    public static final int GROUP_SIZE = 256;

    private final byte[] codes;   // [blocks], index into DynamicMap
    private final float[] absmax2; // [ceil(blocks / 256)]
    private final float offset;

    private DoubleQuantizedScales(byte[] codes, float[] absmax2, float offset) {
        this.codes = codes;
        this.absmax2 = absmax2;
        this.offset = offset;
    }

    /**
     * Compresses float32 block scales.
     *
     * @param absmax [blocks], finite
     */
    public static DoubleQuantizedScales compress(float[] absmax) {
        int blocks = absmax.length;
        double sum = 0;
        for (float a : absmax) {
            sum += a;
        }
        float offset = blocks == 0 ? 0f : (float) (sum / blocks);

        byte[] codes = new byte[blocks];
        float[] absmax2 = new float[(blocks + GROUP_SIZE - 1) / GROUP_SIZE];
        float[] centred = new float[GROUP_SIZE];
        for (int g = 0; g < absmax2.length; g++) {
            int start = g * GROUP_SIZE;
            int end = Math.min(start + GROUP_SIZE, blocks);
            float max = 0;
            for (int b = start; b < end; b++) {
                centred[b - start] = absmax[b] - offset;
                max = Math.max(max, Math.abs(centred[b - start]));
            }
            absmax2[g] = max;
            // bitsandbytes clamps the divisor at 1e-38, so an all-equal group maps to code 0.0
            float inverse = 1f / Math.max(max, 1e-38f);
            for (int b = start; b < end; b++) {
                float normalised = Math.max(-1f, Math.min(1f, centred[b - start] * inverse));
                codes[b] = (byte) DynamicMap.nearest(normalised);
            }
        }
        return new DoubleQuantizedScales(codes, absmax2, offset);
    }

    @Override
    public int count() {
        return codes.length;
    }

    @Override
    public float scale(int block) {
        return DynamicMap.value(codes[block] & 0xFF) * absmax2[block / GROUP_SIZE] + offset;
    }

    @Override
    public long bytes() {
        return codes.length + 4L * absmax2.length + 4;
    }

    /** The mean subtracted before quantising, bitsandbytes' {@code quant_state.offset}. */
    public float offset() {
        return offset;
    }

    /** The float32 absmax of group {@code group} (256 scales), bitsandbytes' {@code quant_state.state2.absmax}. */
    public float groupAbsmax(int group) {
        return absmax2[group];
    }

    /** Number of 256-scale groups. */
    public int groupCount() {
        return absmax2.length;
    }
}
