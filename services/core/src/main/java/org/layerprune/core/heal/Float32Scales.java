package org.layerprune.core.heal;

/**
 * Block scales kept as float32: bitsandbytes' {@code quant_state.absmax} without {@code compress_statistics}.
 * 32 bits per block, 0.5 bit per weight at block size 64.
 */
public final class Float32Scales implements BlockScales {

    private final float[] absmax; // [blocks]

    /** @param absmax [blocks], copied */
    public Float32Scales(float[] absmax) {
        this.absmax = absmax.clone();
    }

    @Override
    public int count() {
        return absmax.length;
    }

    @Override
    public float scale(int block) {
        return absmax[block];
    }

    @Override
    public long bytes() {
        return 4L * absmax.length;
    }
}
