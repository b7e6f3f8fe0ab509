package org.layerprune.core.checkpoint;

import java.util.Arrays;
import java.util.Objects;

/**
 * One entry of a safetensors header: a tensor's name, dtype, shape and byte range.
 *
 * <p>{@code begin} and {@code end} are relative to the start of the data section, as in the header's
 * {@code data_offsets}. The constructor enforces what the format promises about a single entry (no negative
 * dimension, {@code 0 <= begin <= end}, shape times dtype size equal to {@code end - begin}), so an instance is
 * always self-consistent; how entries fit together is the file's business.
 *
 * @param shape dimensions, outermost first; empty for a scalar. Copied in and out, so the record stays immutable.
 */
public record TensorInfo(String name, DType dtype, long[] shape, long begin, long end) {

    /** @throws IllegalArgumentException saying which rule the entry breaks */
    public TensorInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(dtype, "dtype");
        shape = shape.clone();
        for (long dim : shape) {
            if (dim < 0) {
                throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " has a negative dimension");
            }
        }
        if (begin < 0 || end < begin) {
            throw new IllegalArgumentException("data_offsets [" + begin + ", " + end + "] are not 0 <= begin <= end");
        }
        long expected;
        try {
            expected = Math.multiplyExact(numel(shape), dtype.byteSize());
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " has more bytes than a long holds");
        }
        if (expected != end - begin) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " of " + dtype + " needs " + expected
                    + " bytes but data_offsets [" + begin + ", " + end + "] span " + (end - begin));
        }
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** Number of elements: the product of the shape, 1 for a scalar. */
    public long numel() {
        return numel(shape);
    }

    /** Bytes the tensor occupies in the data section, {@code end - begin}. */
    public long byteLength() {
        return end - begin;
    }

    private static long numel(long[] shape) {
        long n = 1;
        for (long dim : shape) {
            n = Math.multiplyExact(n, dim);
        }
        return n;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorInfo other
                && name.equals(other.name)
                && dtype == other.dtype
                && Arrays.equals(shape, other.shape)
                && begin == other.begin
                && end == other.end;
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, dtype, Arrays.hashCode(shape), begin, end);
    }

    @Override
    public String toString() {
        return "TensorInfo[name=" + name + ", dtype=" + dtype + ", shape=" + Arrays.toString(shape)
                + ", begin=" + begin + ", end=" + end + "]";
    }
}
