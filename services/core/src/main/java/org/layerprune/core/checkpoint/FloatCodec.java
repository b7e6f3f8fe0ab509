package org.layerprune.core.checkpoint;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Floating-point tensor values to and from their little-endian bytes in a safetensors file, for the dtypes
 * checkpoints store weights in: F32, F16 (IEEE 754 binary16) and BF16 (bfloat16, the top half of a float32).
 *
 * <p>Java 17 has no float16 conversions ({@code Float.floatToFloat16} came in Java 20), so they are written out here.
 * Narrowing rounds to nearest, ties to even, as torch's casts do; it overflows to infinity, keeps subnormals, keeps
 * the sign of zero, and keeps a NaN a (quiet) NaN. Widening is exact.
 *
 * <p>{@link #put} rounds a float64 value once, straight to the stored dtype: a float64 result stored as BF16 is the
 * bfloat16 nearest to it, not the bfloat16 nearest to the float32 nearest to it, which can differ in a tie.
 */
public final class FloatCodec {

    private FloatCodec() {
    }

    /** Whether {@code dtype} is one this class reads and writes: F32, F16 or BF16. */
    public static boolean isSupported(DType dtype) {
        return dtype == DType.F32 || dtype == DType.F16 || dtype == DType.BF16;
    }

    /**
     * Element {@code index} of a tensor of {@code dtype} whose bytes start at position 0 of {@code bytes}; the
     * buffer's position is not moved.
     *
     * @throws IllegalArgumentException when the dtype is not F32, F16 or BF16
     */
    public static float get(DType dtype, ByteBuffer bytes, int index) {
        ByteBuffer le = bytes.order() == ByteOrder.LITTLE_ENDIAN ? bytes : bytes.duplicate()
                .order(ByteOrder.LITTLE_ENDIAN);
        return switch (dtype) {
            case F32 -> le.getFloat(4 * index);
            case F16 -> f16ToFloat(le.getShort(2 * index));
            case BF16 -> bf16ToFloat(le.getShort(2 * index));
            default -> throw unsupported(dtype);
        };
    }

    /**
     * Stores {@code value}, rounded once to nearest-even in {@code dtype}, as element {@code index} of
     * {@code bytes} (which must be little-endian); the buffer's position is not moved.
     *
     * @throws IllegalArgumentException when the dtype is not F32, F16 or BF16
     */
    public static void put(DType dtype, ByteBuffer bytes, int index, double value) {
        switch (dtype) {
            case F32 -> bytes.putFloat(4 * index, (float) value);
            case F16 -> bytes.putShort(2 * index, floatToF16(roundToOdd(value)));
            case BF16 -> bytes.putShort(2 * index, floatToBf16(roundToOdd(value)));
            default -> throw unsupported(dtype);
        }
    }

    /**
     * Every element of a tensor of {@code dtype}, widened to float32.
     *
     * @param bytes the tensor's {@code remaining()} bytes, a whole number of elements
     * @throws IllegalArgumentException when the dtype is not F32, F16 or BF16
     */
    public static float[] decode(DType dtype, ByteBuffer bytes) {
        if (!isSupported(dtype)) {
            throw unsupported(dtype);
        }
        ByteBuffer le = bytes.slice().order(ByteOrder.LITTLE_ENDIAN);
        float[] values = new float[le.remaining() / dtype.byteSize()];
        for (int i = 0; i < values.length; i++) {
            values[i] = get(dtype, le, i);
        }
        return values;
    }

    /**
     * {@code values} narrowed to {@code dtype}, in a new little-endian heap buffer positioned at 0.
     *
     * @throws IllegalArgumentException when the dtype is not F32, F16 or BF16
     */
    public static ByteBuffer encode(DType dtype, float[] values) {
        if (!isSupported(dtype)) {
            throw unsupported(dtype);
        }
        ByteBuffer bytes = ByteBuffer.allocate(values.length * dtype.byteSize()).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < values.length; i++) {
            put(dtype, bytes, i, values[i]);
        }
        return bytes;
    }

    /** bfloat16 bits to float32, exactly: they are its top 16 bits. */
    public static float bf16ToFloat(short bits) {
        return Float.intBitsToFloat((bits & 0xFFFF) << 16);
    }

    /** The bfloat16 nearest to {@code value}, ties to even; a NaN stays a quiet NaN of the same sign. */
    public static short floatToBf16(float value) {
        int bits = Float.floatToRawIntBits(value);
        if ((bits & 0x7FFFFFFF) > 0x7F800000) {
            return (short) ((bits >>> 16) | 0x0040); // setting the quiet bit keeps a low-payload NaN from becoming inf
        }
        return (short) ((bits + 0x7FFF + ((bits >>> 16) & 1)) >>> 16);
    }

    /** IEEE binary16 bits to float32, exactly: every half (subnormals, infinities, NaN payloads) is a float. */
    public static float f16ToFloat(short bits) {
        int h = bits & 0xFFFF;
        int sign = (h & 0x8000) << 16;
        int exponent = (h >>> 10) & 0x1F;
        int mantissa = h & 0x3FF;
        if (exponent == 0x1F) {
            return Float.intBitsToFloat(sign | 0x7F800000 | (mantissa << 13));
        }
        if (exponent == 0) {
            float magnitude = mantissa * 0x1p-24f; // subnormal: mantissa * 2^-24, exact in float32
            return sign == 0 ? magnitude : -magnitude;
        }
        return Float.intBitsToFloat(sign | ((exponent + 112) << 23) | (mantissa << 13)); // rebias 15 -> 127
    }

    /**
     * The IEEE binary16 nearest to {@code value}, ties to even: 65520 and above (half-way past the largest half,
     * 65504) become infinity, values below 2^-14 become subnormals, a NaN stays a quiet NaN of the same sign.
     */
    public static short floatToF16(float value) {
        int bits = Float.floatToRawIntBits(value);
        int sign = (bits >>> 16) & 0x8000;
        int magnitude = bits & 0x7FFFFFFF;
        if (magnitude >= 0x7F800000) {
            return (short) (sign | 0x7C00 | (magnitude > 0x7F800000 ? 0x0200 | ((magnitude >>> 13) & 0x3FF) : 0));
        }
        if (magnitude >= 0x477FF000) { // 65520
            return (short) (sign | 0x7C00);
        }
        if (magnitude >= 0x38800000) { // 2^-14, the smallest normal half
            int rebiased = magnitude - 0x38000000; // exponent 127 -> 15
            int rounded = rebiased + 0xFFF + ((rebiased >>> 13) & 1); // a carry out of the mantissa bumps the exponent
            return (short) (sign | (rounded >>> 13));
        }
        // subnormal: the number of 2^-24 steps, rounded half to even; 1024 steps is the smallest normal, 0x0400
        int steps = (int) Math.rint(Float.intBitsToFloat(magnitude) * 0x1p24f);
        return (short) (sign | steps);
    }

    /**
     * {@code value} rounded to float32 "to odd": exact values stay, others become the neighbour with an odd last
     * mantissa bit. Float32 keeps at least two bits more than binary16 or bfloat16, so rounding this to either, to
     * nearest even, gives the correctly rounded float64 value (Boldo and Melquiond, "When double rounding is odd").
     */
    static float roundToOdd(double value) {
        float nearest = (float) value;
        if (nearest == value || Float.isNaN(nearest) || Float.isInfinite(nearest)
                || (Float.floatToRawIntBits(nearest) & 1) != 0) {
            return nearest;
        }
        return Math.nextAfter(nearest, value);
    }

    private static IllegalArgumentException unsupported(DType dtype) {
        return new IllegalArgumentException("dtype " + dtype + " is not a float type this codec handles (F32, F16,"
                + " BF16)");
    }
}
