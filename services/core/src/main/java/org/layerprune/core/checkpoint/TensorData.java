package org.layerprune.core.checkpoint;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Objects;

/**
 * A tensor to be written: name, dtype, shape and its raw little-endian bytes.
 *
 * <p>The bytes are the {@code remaining()} bytes of {@code data}. The record keeps a {@link ByteBuffer#duplicate()}
 * and hands out duplicates, so neither building nor writing moves the caller's position or limit; the content is
 * shared, not copied, which lets a tensor mapped from an input checkpoint go to the output without touching the heap.
 * Whether shape and dtype agree with the byte count is checked by the writers, whose messages can name the file.
 *
 * @param shape dimensions, outermost first; empty for a scalar. Copied in and out.
 */
public record TensorData(String name, DType dtype, long[] shape, ByteBuffer data) {

    public TensorData {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(dtype, "dtype");
        shape = shape.clone();
        data = data.duplicate();
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** A fresh view of the bytes, positioned at their start. */
    @Override
    public ByteBuffer data() {
        return data.duplicate();
    }

    /** Number of bytes to be written. */
    public long byteLength() {
        return data.remaining();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorData other
                && name.equals(other.name)
                && dtype == other.dtype
                && Arrays.equals(shape, other.shape)
                && data.equals(other.data);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, dtype, Arrays.hashCode(shape), data);
    }

    /** Names the tensor and its size, never its bytes. */
    @Override
    public String toString() {
        return "TensorData[name=" + name + ", dtype=" + dtype + ", shape=" + Arrays.toString(shape)
                + ", bytes=" + data.remaining() + "]";
    }
}
