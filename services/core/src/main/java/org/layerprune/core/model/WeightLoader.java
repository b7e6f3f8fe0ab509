package org.layerprune.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.ShortBuffer;
import org.layerprune.core.checkpoint.Checkpoint;
import org.layerprune.core.checkpoint.CheckpointException;
import org.layerprune.core.checkpoint.TensorInfo;

/**
 * Turns checkpoint tensors into float32 NDArrays on the model's manager. F32 tensors are handed to torch
 * straight from the memory-mapped file (no copy); F16 is widened by torch; BF16 is widened here, because
 * DJL's JNI aborts the JVM on a bfloat16 buffer.
 */
final class WeightLoader {

    private final Checkpoint checkpoint;
    private final NDManager manager;

    WeightLoader(Checkpoint checkpoint, NDManager manager) {
        this.checkpoint = checkpoint;
        this.manager = manager;
    }

    /** Checks that {@code name} exists with {@code shape} and a floating dtype, without loading it. */
    static void check(Checkpoint checkpoint, String name, long... shape) {
        TensorInfo info = checkpoint.require(name, shape);
        switch (info.dtype()) {
            case F32, F16, BF16 -> { }
            default -> throw new CheckpointException(checkpoint.fileOf(name) + ": tensor " + name + " has dtype "
                    + info.dtype() + ", expected F32, F16 or BF16");
        }
    }

    /** @return [shape] float32 */
    NDArray load(String name, long... shape) {
        check(checkpoint, name, shape);
        TensorInfo info = checkpoint.require(name, shape);
        ByteBuffer bytes = checkpoint.bytes(name).order(ByteOrder.LITTLE_ENDIAN);
        Shape s = new Shape(shape);
        NDArray array = switch (info.dtype()) {
            case F32 -> manager.create(bytes, s, DataType.FLOAT32);
            case F16 -> {
                NDArray half = manager.create(bytes, s, DataType.FLOAT16);
                NDArray wide = half.toType(DataType.FLOAT32, false);
                half.close();
                yield wide;
            }
            case BF16 -> manager.create(widenBf16(bytes), s, DataType.FLOAT32);
            default -> throw new IllegalStateException("unreachable: dtype checked above");
        };
        array.setName(name);
        return array;
    }

    /** bfloat16 is the top half of a float32: shift each 16-bit pattern up, the low mantissa bits zero. */
    static ByteBuffer widenBf16(ByteBuffer bf16) {
        ShortBuffer in = bf16.asShortBuffer();
        ByteBuffer out = ByteBuffer.allocateDirect(in.remaining() * 4).order(ByteOrder.nativeOrder());
        while (in.hasRemaining()) {
            out.putInt((in.get() & 0xFFFF) << 16);
        }
        return out.flip();
    }
}
