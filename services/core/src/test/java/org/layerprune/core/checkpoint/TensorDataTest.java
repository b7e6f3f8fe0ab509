package org.layerprune.core.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class TensorDataTest {

    @Test
    void sharesTheBytesButNeverMovesTheCallersBufferOrItsOwn() {
        ByteBuffer source = ByteBuffer.wrap(new byte[] {1, 2, 3, 4, 5, 6}).position(1).limit(5);
        TensorData tensor = new TensorData("w", DType.I16, new long[] {2}, source);
        assertEquals(4, tensor.byteLength());

        tensor.data().position(4);
        source.position(0);
        assertEquals(4, tensor.data().remaining());
        assertEquals(2, tensor.data().get());
        assertEquals(0, source.position());
    }

    @Test
    void keepsItsShapeAndPrintsNoBytes() {
        long[] shape = {2};
        TensorData tensor = new TensorData("w", DType.I16, shape, ByteBuffer.allocate(4));
        shape[0] = 7;
        assertArrayEquals(new long[] {2}, tensor.shape());
        assertEquals("TensorData[name=w, dtype=I16, shape=[2], bytes=4]", tensor.toString());
        assertEquals(tensor, new TensorData("w", DType.I16, new long[] {2}, ByteBuffer.allocate(4)));
        ByteBuffer otherBytes = ByteBuffer.wrap(new byte[] {0, 0, 0, 1});
        assertFalse(tensor.equals(new TensorData("w", DType.I16, new long[] {2}, otherBytes)));
    }
}
