package org.layerprune.core.heal;

import java.nio.BufferOverflowException;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Objects;

/**
 * A weight stored in 4-bit NormalFloat, blockwise, as bitsandbytes' {@code quantize_4bit(quant_type="nf4")} stores
 * it: QLoRA's storage data type for the frozen base weights, decoded before use (the LoRA adapters are not
 * quantised).
 *
 * <p>Layout. The weight, typically [out, in], is flattened row-major and cut into blocks of {@code blockSize}
 * consecutive values (64 by default; the last block may be shorter). Each block keeps its absmax
 * {@code max |x|} as its scale ({@link BlockScales}: float32, or double quantised). Each value x is stored as the
 * index of the {@link Nf4} code nearest to {@code x * (1 / absmax)} (float32 reciprocal, then clamped to [-1, 1];
 * absmax is floored at 1e-38 for the division, so an all-zero block stores the code 0.0). Indices are packed two
 * per byte in flat order: element 2k in the HIGH nibble of byte k, element 2k + 1 in the LOW nibble, as bitsandbytes
 * packs them ({@code (q[::2] << 4) | q[1::2]}). An odd-sized weight's last low nibble holds {@link Nf4#ZERO_INDEX},
 * the index bitsandbytes writes there (it pads with 0 before quantising). A value is decoded as
 * {@code code[index] * absmax}, in float32.
 *
 * <p>Because the block size is even, every block starts on a byte. Differences from bitsandbytes: it accepts block
 * sizes 32 to 4096 (powers of two) only, here any even size is allowed; its pure-torch fallback divides instead of
 * multiplying by the reciprocal for a short last block (its CUDA and C++ kernels multiply, as here); non-finite
 * values are refused here.
 *
 * <p>Memory: {@code ceil(size / 2)} bytes of indices plus the scales, 4.5 bits per weight at block size 64, about
 * 4.127 with double quantisation. Dequantisation is a table lookup and one float multiply per value in plain Java
 * (a 16-entry table scaled once per block), which is far faster than building it from DJL ops.
 */
public final class Nf4Tensor {

    /** QLoRA's and bitsandbytes' block size. */
    public static final int DEFAULT_BLOCK_SIZE = 64;

    private final long[] shape;        // e.g. [out, in]
    private final int size;            // product of shape
    private final int blockSize;
    private final byte[] packed;       // [ceil(size / 2)], element 2k high nibble, 2k + 1 low nibble
    private final BlockScales scales;  // [ceil(size / blockSize)] absmax per block

    private Nf4Tensor(long[] shape, int size, int blockSize, byte[] packed, BlockScales scales) {
        this.shape = shape;
        this.size = size;
        this.blockSize = blockSize;
        this.packed = packed;
        this.scales = scales;
    }

    /** {@link #quantize(float[], long[], int, boolean)} with bitsandbytes' defaults: blocks of 64, float32 scales. */
    public static Nf4Tensor quantize(float[] values, long[] shape) {
        return quantize(values, shape, DEFAULT_BLOCK_SIZE, false);
    }

    /**
     * Quantises a weight to NF4.
     *
     * @param values      [size], the weight flattened row-major; every value finite
     * @param shape       dimensions, outermost first (e.g. [out, in]); their product must be {@code values.length}
     * @param blockSize   values per block, even and positive (64 in QLoRA)
     * @param doubleQuant whether to double quantise the block scales ({@link DoubleQuantizedScales})
     * @throws IllegalArgumentException for a bad shape or block size, or a NaN or infinite value (naming its index)
     */
    public static Nf4Tensor quantize(float[] values, long[] shape, int blockSize, boolean doubleQuant) {
        Objects.requireNonNull(values, "values");
        long[] dims = Objects.requireNonNull(shape, "shape").clone();
        checkShape(dims, values.length);
        if (blockSize <= 0 || blockSize % 2 != 0) {
            throw new IllegalArgumentException("block size must be even and positive, got " + blockSize);
        }
        int size = values.length;
        int blocks = ceilDiv(size, blockSize);
        float[] absmax = new float[blocks];
        byte[] packed = new byte[ceilDiv(size, 2)];

        for (int b = 0; b < blocks; b++) {
            int start = b * blockSize;
            int end = Math.min(start + blockSize, size);
            float max = 0;
            for (int i = start; i < end; i++) {
                float x = values[i];
                if (!Float.isFinite(x)) {
                    throw new IllegalArgumentException("value " + i + " is " + x + "; NF4 needs finite values");
                }
                max = Math.max(max, Math.abs(x));
            }
            absmax[b] = max;
            float inverse = 1f / Math.max(max, 1e-38f);
            for (int i = start; i < end; i++) {
                int index = Nf4.nearest(Math.max(-1f, Math.min(1f, values[i] * inverse)));
                // start is even, so element i lands in byte i / 2: high nibble if i is even
                packed[i >> 1] |= (byte) ((i & 1) == 0 ? index << 4 : index);
            }
        }
        if (size % 2 != 0) {
            packed[size >> 1] |= (byte) Nf4.ZERO_INDEX;
        }
        BlockScales scales = doubleQuant ? DoubleQuantizedScales.compress(absmax) : new Float32Scales(absmax);
        return new Nf4Tensor(dims, size, blockSize, packed, scales);
    }

    /** The weight decoded: [size], row-major in {@link #shape()}. */
    public float[] dequantize() {
        float[] out = new float[size];
        dequantizeInto(out, 0);
        return out;
    }

    /** Decodes into {@code out[0, size())}; see {@link #dequantizeInto(float[], int)}. */
    public void dequantizeInto(float[] out) {
        dequantizeInto(out, 0);
    }

    /**
     * Decodes into {@code out[offset, offset + size())}, leaving the rest alone, so one buffer sized for the largest
     * weight can be reused.
     *
     * @throws IndexOutOfBoundsException if that range does not fit in {@code out}
     */
    public void dequantizeInto(float[] out, int offset) {
        Objects.checkFromIndexSize(offset, size, out.length);
        float[] table = new float[Nf4.SIZE];
        int blocks = scales.count();
        for (int b = 0; b < blocks; b++) {
            int start = b * blockSize;
            int end = Math.min(start + blockSize, size);
            scaleTable(scales.scale(b), table);
            decodeBlock(start, end, table, out, offset + start);
        }
    }

    /**
     * Decodes {@code size()} floats into {@code out} at its position and advances the position, as a relative bulk
     * put does; a direct buffer (native order, for handing to the engine) is filled block by block.
     *
     * @throws BufferOverflowException if fewer than {@code size()} floats remain; nothing is written then
     */
    public void dequantizeInto(FloatBuffer out) {
        if (out.remaining() < size) {
            throw new BufferOverflowException();
        }
        if (out.hasArray()) {
            dequantizeInto(out.array(), out.arrayOffset() + out.position());
            out.position(out.position() + size);
            return;
        }
        float[] table = new float[Nf4.SIZE];
        float[] block = new float[blockSize];
        int blocks = scales.count();
        for (int b = 0; b < blocks; b++) {
            int start = b * blockSize;
            int end = Math.min(start + blockSize, size);
            scaleTable(scales.scale(b), table);
            decodeBlock(start, end, table, block, 0);
            out.put(block, 0, end - start);
        }
    }

    // table[k] = code[k] * scale: the exact float32 product dequantisation needs, computed once per block
    private static void scaleTable(float scale, float[] table) {
        for (int k = 0; k < Nf4.SIZE; k++) {
            table[k] = Nf4.value(k) * scale;
        }
    }

    // elements [start, end) of one block into out[at, at + end - start); start is even
    private void decodeBlock(int start, int end, float[] table, float[] out, int at) {
        int k = start >> 1;
        int i = start;
        for (; i + 1 < end; i += 2) {
            int pair = packed[k++] & 0xFF;
            out[at++] = table[pair >>> 4];
            out[at++] = table[pair & 0x0F];
        }
        if (i < end) {
            out[at] = table[(packed[k] & 0xFF) >>> 4];
        }
    }

    /** The 4-bit code index of flat element {@code i}. */
    public int index(int i) {
        Objects.checkIndex(i, size);
        int pair = packed[i >> 1] & 0xFF;
        return (i & 1) == 0 ? pair >>> 4 : pair & 0x0F;
    }

    /** The packed indices, a copy: [ceil(size / 2)], element 2k in the high nibble of byte k. */
    public byte[] packed() {
        return packed.clone();
    }

    /** The block scales. */
    public BlockScales scales() {
        return scales;
    }

    /** Dimensions, outermost first (a copy). */
    public long[] shape() {
        return shape.clone();
    }

    /** Number of values, the product of the shape. */
    public int size() {
        return size;
    }

    /** Values per block (the last block may hold fewer). */
    public int blockSize() {
        return blockSize;
    }

    /** Number of blocks, {@code ceil(size / blockSize)}. */
    public int blockCount() {
        return scales.count();
    }

    /** Whether the block scales are double quantised. */
    public boolean doubleQuantized() {
        return scales instanceof DoubleQuantizedScales;
    }

    /**
     * Bytes of storage: {@code ceil(size / 2)} for the indices plus the scales' {@link BlockScales#bytes()}. Leaves
     * out object headers, the shape and the shared code books (16 and 256 floats, which bitsandbytes also saves
     * alongside each weight).
     */
    public long bytes() {
        return packed.length + scales.bytes();
    }

    @Override
    public String toString() {
        return "Nf4Tensor" + Arrays.toString(shape) + " blocks of " + blockSize
                + (doubleQuantized() ? ", double quantised" : "") + ", " + bytes() + " bytes";
    }

    private static void checkShape(long[] shape, int length) {
        if (shape.length == 0) {
            throw new IllegalArgumentException("shape is empty; give at least one dimension");
        }
        long product = 1;
        for (long dim : shape) {
            if (dim <= 0) {
                throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " has a dimension below 1");
            }
            product *= dim;
            if (product > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " has more values than an array");
            }
        }
        if (product != length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " holds " + product
                    + " values but " + length + " were given");
        }
    }

    private static int ceilDiv(int a, int b) {
        return a / b + (a % b == 0 ? 0 : 1);
    }
}
