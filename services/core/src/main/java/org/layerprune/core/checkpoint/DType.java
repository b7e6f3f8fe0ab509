package org.layerprune.core.checkpoint;

/**
 * The element types a safetensors header may name, spelled as in the header's {@code "dtype"} field.
 *
 * <p>Reading and writing checkpoints only needs the byte size: the readers and writers check that a tensor's shape and
 * its byte range agree and copy bytes unchanged, never decoding a value. Code that computes with weights decodes the
 * float types through {@link FloatCodec}.
 */
public enum DType {
    BOOL(1),
    U8(1),
    I8(1),
    I16(2),
    U16(2),
    F16(2),
    BF16(2),
    I32(4),
    U32(4),
    F32(4),
    F64(8),
    I64(8),
    U64(8),
    F8_E4M3(1),
    F8_E5M2(1);

    private final int byteSize;

    DType(int byteSize) {
        this.byteSize = byteSize;
    }

    /** Bytes per element. */
    public int byteSize() {
        return byteSize;
    }

    /**
     * The dtype spelled {@code name} in a safetensors header (case-sensitive, as the format is).
     *
     * @throws IllegalArgumentException naming the value when it is not a safetensors dtype
     */
    public static DType parse(String name) {
        for (DType dtype : values()) {
            if (dtype.name().equals(name)) {
                return dtype;
            }
        }
        throw new IllegalArgumentException("unknown safetensors dtype " + name);
    }
}
