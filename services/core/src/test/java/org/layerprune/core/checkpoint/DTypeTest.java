package org.layerprune.core.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class DTypeTest {

    @Test
    void knowsTheByteSizeOfEverySafetensorsDtype() {
        Map<String, Integer> expected = Map.ofEntries(
                Map.entry("BOOL", 1), Map.entry("U8", 1), Map.entry("I8", 1), Map.entry("F8_E4M3", 1),
                Map.entry("F8_E5M2", 1), Map.entry("I16", 2), Map.entry("U16", 2), Map.entry("F16", 2),
                Map.entry("BF16", 2), Map.entry("I32", 4), Map.entry("U32", 4), Map.entry("F32", 4),
                Map.entry("F64", 8), Map.entry("I64", 8), Map.entry("U64", 8));
        assertEquals(expected.size(), DType.values().length);
        expected.forEach((name, size) -> assertEquals(size, DType.parse(name).byteSize(), name));
    }

    @Test
    void parseRejectsAnUnknownNameAndSaysWhichOne() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DType.parse("FP32"));
        assertTrue(e.getMessage().contains("FP32"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> DType.parse("f32"), "names are case-sensitive");
        assertThrows(IllegalArgumentException.class, () -> DType.parse(null));
    }
}
