package org.layerprune.core.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

class FloatCodecTest {

    @Test
    void narrowsKnownValuesToHalfAsIeeeSays() {
        assertHalf(0x3C00, 1.0f);
        assertHalf(0xC000, -2.0f);
        assertHalf(0x3555, 1 / 3f);           // 0.333251953125, the nearest half
        assertHalf(0x7BFF, 65504f);           // the largest half
        assertHalf(0x7BFF, 65519.99f);        // just under half-way to 65536
        assertHalf(0x7C00, 65520f);           // half-way: ties to even, which is infinity
        assertHalf(0x7C00, 1e10f);
        assertHalf(0xFC00, Float.NEGATIVE_INFINITY);
        assertHalf(0x0400, 0x1p-14f);         // the smallest normal
        assertHalf(0x0001, 0x1p-24f);         // the smallest subnormal
        assertHalf(0x0000, 0x1p-25f);         // half-way to it: ties to even, zero
        assertHalf(0x0001, 0x1.8p-25f);
        assertHalf(0x0002, 0x1.4p-23f);       // 2.5 steps: ties to even, 2 steps
        assertHalf(0x8000, -0.0f);
        assertEquals(0x7E00, FloatCodec.floatToF16(Float.NaN) & 0xFFFF);
    }

    @Test
    void widensEveryHalfExactlyAndNarrowsItBackToTheSameBits() {
        for (int bits = 0; bits < 0x10000; bits++) {
            float value = FloatCodec.f16ToFloat((short) bits);
            boolean nan = (bits & 0x7C00) == 0x7C00 && (bits & 0x3FF) != 0;
            if (nan) {
                assertTrue(Float.isNaN(value), Integer.toHexString(bits));
                assertTrue(Float.isNaN(FloatCodec.f16ToFloat(FloatCodec.floatToF16(value))));
            } else {
                assertEquals(bits, FloatCodec.floatToF16(value) & 0xFFFF, Integer.toHexString(bits));
            }
        }
        assertEquals(65504f, FloatCodec.f16ToFloat((short) 0x7BFF));
        assertEquals(0x1p-24f, FloatCodec.f16ToFloat((short) 0x0001));
        assertEquals(-0x1.ff8p-15f, FloatCodec.f16ToFloat((short) 0x83FF));
    }

    @Test
    void roundsEveryHalfMidpointToEvenAndItsNeighboursToTheNearerHalf() {
        for (int bits = 0; bits < 0x7BFF; bits++) {
            float low = FloatCodec.f16ToFloat((short) bits);
            float high = FloatCodec.f16ToFloat((short) (bits + 1));
            float middle = (low + high) / 2; // exact: a half has 11 bits, a float 24
            int even = (bits & 1) == 0 ? bits : bits + 1;
            assertEquals(even, FloatCodec.floatToF16(middle) & 0xFFFF, "midpoint above " + bits);
            assertEquals(bits, FloatCodec.floatToF16(Math.nextDown(middle)) & 0xFFFF);
            assertEquals(bits + 1, FloatCodec.floatToF16(Math.nextUp(middle)) & 0xFFFF);
            assertEquals(bits | 0x8000, FloatCodec.floatToF16(-Math.nextDown(middle)) & 0xFFFF);
        }
    }

    @Test
    void roundsEveryBfloat16MidpointToEvenAndItsNeighboursToTheNearerValue() {
        for (int bits = 0; bits < 0x7F7F; bits++) {
            float low = FloatCodec.bf16ToFloat((short) bits);
            float high = FloatCodec.bf16ToFloat((short) (bits + 1));
            float middle = Float.intBitsToFloat((bits << 16) | 0x8000);
            assertEquals(((double) low + high) / 2, middle); // exact: a bfloat16 has 8 bits, a float 24
            int even = (bits & 1) == 0 ? bits : bits + 1;
            assertEquals(even, FloatCodec.floatToBf16(middle) & 0xFFFF, "midpoint above " + bits);
            assertEquals(bits, FloatCodec.floatToBf16(Math.nextDown(middle)) & 0xFFFF);
            assertEquals(bits + 1, FloatCodec.floatToBf16(Math.nextUp(middle)) & 0xFFFF);
        }
        assertEquals(0x7F80, FloatCodec.floatToBf16(Float.MAX_VALUE) & 0xFFFF);
    }

    @Test
    void keepsEveryNanANanEvenWithALowPayload() {
        for (int bits : new int[] {0x7F800001, 0xFF800001, 0x7FC00000, 0x7F802000}) {
            float nan = Float.intBitsToFloat(bits);
            assertTrue(Float.isNaN(FloatCodec.bf16ToFloat(FloatCodec.floatToBf16(nan))), Integer.toHexString(bits));
            assertTrue(Float.isNaN(FloatCodec.f16ToFloat(FloatCodec.floatToF16(nan))), Integer.toHexString(bits));
        }
    }

    @Test
    void roundsAFloat64ValueOnceNotThroughTheFloat32NearestToIt() {
        // 1 + 2^-8 + 2^-40 rounds to float32 as the bfloat16 midpoint 1 + 2^-8, which would then tie down to 1
        double aboveBf16Midpoint = 1 + 0x1p-8 + 0x1p-40;
        double aboveF16Midpoint = 1 + 0x1p-11 + 0x1p-40;
        ByteBuffer bytes = ByteBuffer.allocate(2).order(ByteOrder.LITTLE_ENDIAN);
        FloatCodec.put(DType.BF16, bytes, 0, aboveBf16Midpoint);
        assertEquals(1 + 0x1p-7f, FloatCodec.get(DType.BF16, bytes, 0));
        FloatCodec.put(DType.F16, bytes, 0, aboveF16Midpoint);
        assertEquals(1 + 0x1p-10f, FloatCodec.get(DType.F16, bytes, 0));
        FloatCodec.put(DType.BF16, bytes, 0, -(1 + 0x1p-8 - 0x1p-40));
        assertEquals(-1f, FloatCodec.get(DType.BF16, bytes, 0));
    }

    @Test
    void encodesAndDecodesWholeTensorsLittleEndian() {
        float[] values = {1.5f, -0.25f, 3e-3f, 1e6f};
        assertArrayEquals(values, FloatCodec.decode(DType.F32, FloatCodec.encode(DType.F32, values)));
        ByteBuffer bf16 = FloatCodec.encode(DType.BF16, values);
        assertEquals(8, bf16.remaining());
        assertEquals((short) 0x3FC0, bf16.order(ByteOrder.LITTLE_ENDIAN).getShort(0)); // 1.5
        assertArrayEquals(new float[] {1.5f, -0.25f, 0.0030059814f, 999424f}, FloatCodec.decode(DType.BF16, bf16));
        ByteBuffer bigEndian = ByteBuffer.allocate(4).putFloat(2.5f).flip(); // bytes 40 20 00 00, read little-endian
        assertEquals(Float.intBitsToFloat(0x00002040), FloatCodec.decode(DType.F32, bigEndian)[0]);
    }

    @Test
    void refusesTypesThatAreNotF32F16OrBf16() {
        assertThrows(IllegalArgumentException.class, () -> FloatCodec.decode(DType.I8, ByteBuffer.allocate(1)));
        assertThrows(IllegalArgumentException.class, () -> FloatCodec.encode(DType.F64, new float[1]));
        assertThrows(IllegalArgumentException.class, () -> FloatCodec.put(DType.U8, ByteBuffer.allocate(1), 0, 1));
    }

    private static void assertHalf(int expected, float value) {
        assertEquals(expected, FloatCodec.floatToF16(value) & 0xFFFF, "half of " + value);
    }
}
