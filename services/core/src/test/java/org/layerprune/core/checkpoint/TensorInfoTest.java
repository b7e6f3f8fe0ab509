package org.layerprune.core.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TensorInfoTest {

    @Test
    void countsElementsAndBytes() {
        TensorInfo info = new TensorInfo("w", DType.BF16, new long[] {3, 4}, 16, 40);
        assertEquals(12, info.numel());
        assertEquals(24, info.byteLength());
        assertEquals(1, new TensorInfo("s", DType.F32, new long[] {}, 0, 4).numel(), "a scalar has one element");
    }

    @Test
    void comparesAndPrintsTheShapeByValue() {
        TensorInfo a = new TensorInfo("w", DType.F32, new long[] {2, 3}, 0, 24);
        TensorInfo b = new TensorInfo("w", DType.F32, new long[] {2, 3}, 0, 24);
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        assertNotEquals(a, new TensorInfo("w", DType.F32, new long[] {3, 2}, 0, 24));
        assertTrue(a.toString().contains("shape=[2, 3]"), a.toString());
    }

    @Test
    void keepsItsShapeFromBeingChangedFromOutside() {
        long[] shape = {2, 3};
        TensorInfo info = new TensorInfo("w", DType.F32, shape, 0, 24);
        shape[0] = 9;
        info.shape()[1] = 9;
        assertArrayEquals(new long[] {2, 3}, info.shape());
    }

    @Test
    void rejectsAnEntryThatContradictsItself() {
        assertThrows(IllegalArgumentException.class, () -> new TensorInfo("w", DType.F32, new long[] {2}, 0, 4));
        assertThrows(IllegalArgumentException.class, () -> new TensorInfo("w", DType.F32, new long[] {-1}, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new TensorInfo("w", DType.U8, new long[] {0}, 4, 2));
        assertThrows(IllegalArgumentException.class,
                () -> new TensorInfo("w", DType.F64, new long[] {1L << 40, 1L << 30}, 0, 0), "overflow");
    }
}
