package org.layerprune.core.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.layerprune.core.checkpoint.TestFiles.assertRejected;
import static org.layerprune.core.checkpoint.TestFiles.concat;
import static org.layerprune.core.checkpoint.TestFiles.floats;
import static org.layerprune.core.checkpoint.TestFiles.pattern;
import static org.layerprune.core.checkpoint.TestFiles.raw;
import static org.layerprune.core.checkpoint.TestFiles.safetensors;
import static org.layerprune.core.checkpoint.TestFiles.shorts;
import static org.layerprune.core.checkpoint.TestFiles.toArray;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.ReadOnlyBufferException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsFileTest {

    @TempDir
    Path dir;

    /** Two tensors whose header order (b, a) differs from their byte order (a, b). */
    private Path twoTensors() {
        return safetensors(dir.resolve("two.safetensors"), """
                {"__metadata__":{"format":"pt","step":"7"},\
                "b":{"dtype":"F32","shape":[2],"data_offsets":[8,16]},\
                "a":{"dtype":"I16","shape":[2,2],"data_offsets":[0,8]}}""",
                concat(shorts(1, -2, 3, -4), floats(1.5f, -0.25f)));
    }

    @Test
    void listsTensorsInHeaderOrderWithTheirMetadata() {
        try (SafetensorsFile file = SafetensorsFile.open(twoTensors())) {
            assertEquals(List.of(new TensorInfo("b", DType.F32, new long[] {2}, 8, 16),
                    new TensorInfo("a", DType.I16, new long[] {2, 2}, 0, 8)), file.tensors());
            assertEquals(List.of("format", "step"), List.copyOf(file.metadata().keySet()));
            assertEquals(Map.of("format", "pt", "step", "7"), file.metadata());
            assertEquals(DType.I16, file.info("a").orElseThrow().dtype());
            assertTrue(file.info("c").isEmpty());
        }
    }

    @Test
    void mapsExactlyTheTensorsBytesReadOnlyAndLittleEndian() {
        try (SafetensorsFile file = SafetensorsFile.open(twoTensors())) {
            ByteBuffer b = file.bytes("b");
            assertEquals(0, b.position());
            assertEquals(8, b.remaining());
            assertTrue(b.isReadOnly());
            assertEquals(ByteOrder.LITTLE_ENDIAN, b.order());
            assertEquals(1.5f, b.getFloat(0));
            assertEquals(-0.25f, b.getFloat(4));
            assertThrows(ReadOnlyBufferException.class, () -> b.put(0, (byte) 1));
            assertArrayEquals(shorts(1, -2, 3, -4), toArray(file.bytes("a")));
        }
    }

    @Test
    void acceptsScalarsEmptyTensorsAndSpacePaddingWithoutMetadata() {
        Path path = safetensors(dir.resolve("edge.safetensors"), """
                {"scalar":{"dtype":"F64","shape":[],"data_offsets":[0,8]},\
                "empty":{"dtype":"F32","shape":[0,3],"data_offsets":[8,8]},\
                "alsoEmpty":{"dtype":"BF16","shape":[4,0],"data_offsets":[8,8]}}     """, pattern(8, 0));
        try (SafetensorsFile file = SafetensorsFile.open(path)) {
            assertEquals(1, file.info("scalar").orElseThrow().numel());
            assertEquals(0, file.bytes("empty").remaining());
            assertEquals(3, file.tensors().size());
            assertTrue(file.metadata().isEmpty());
        }
    }

    @Test
    void rejectsAFileShorterThanEightBytes() throws IOException {
        Path path = Files.write(dir.resolve("short.safetensors"), new byte[] {1, 0, 0, 0, 0});
        assertRejected(() -> SafetensorsFile.open(path), path, "5 bytes", "too short");
    }

    @Test
    void rejectsHeaderLongerThanTheFile() {
        Path path = raw(dir.resolve("long.safetensors"), 64, "{}".getBytes());
        assertRejected(() -> SafetensorsFile.open(path), path, "header length 64", "2 bytes");
    }

    @Test
    void rejectsAHeaderLengthOfTwoToTheFortyWithoutAllocatingIt() {
        Path path = raw(dir.resolve("huge.safetensors"), 1L << 40, new byte[16]);
        assertRejected(() -> SafetensorsFile.open(path), path, "header length 1099511627776", "100000000");
    }

    @Test
    void rejectsAHeaderLengthThatIsNegativeAsASignedLong() {
        Path path = raw(dir.resolve("negative.safetensors"), -1L, new byte[16]);
        assertRejected(() -> SafetensorsFile.open(path), path, "header length 18446744073709551615", "limit");
    }

    @Test
    void rejectsAHeaderLengthAboveOneHundredMegabytesEvenWhenTheFileIsThatLong() throws IOException {
        Path path = raw(dir.resolve("sparse.safetensors"), 150_000_000L, new byte[0]);
        try (RandomAccessFile file = new RandomAccessFile(path.toFile(), "rw")) {
            file.setLength(8 + 150_000_000L); // sparse: costs no disk
        }
        assertRejected(() -> SafetensorsFile.open(path), path, "header length 150000000", "limit");
    }

    @Test
    void rejectsMalformedJson() {
        Path path = safetensors(dir.resolve("bad.safetensors"), "{\"w\":{\"dtype\":", new byte[0]);
        assertRejected(() -> SafetensorsFile.open(path), path, "not well-formed JSON");
    }

    @Test
    void rejectsAHeaderThatIsNotAJsonObject() {
        Path path = safetensors(dir.resolve("array.safetensors"), "[1, 2]", new byte[0]);
        assertRejected(() -> SafetensorsFile.open(path), path, "not a JSON object");
    }

    @Test
    void rejectsAHeaderThatIsNotUtf8() {
        byte[] latin1 = "{\"caf\u00e9\":1}".getBytes(StandardCharsets.ISO_8859_1);
        Path path = raw(dir.resolve("latin1.safetensors"), latin1.length, latin1);
        assertRejected(() -> SafetensorsFile.open(path), path, "UTF-8");
    }

    @Test
    void rejectsATensorNamedTwice() {
        Path path = safetensors(dir.resolve("twice.safetensors"), """
                {"w":{"dtype":"U8","shape":[1],"data_offsets":[0,1]},\
                "w":{"dtype":"U8","shape":[1],"data_offsets":[1,2]}}""", new byte[2]);
        assertRejected(() -> SafetensorsFile.open(path), path, "Duplicate field 'w'");
    }

    @Test
    void rejectsMetadataThatIsNotStringToString() {
        Path path = safetensors(dir.resolve("meta.safetensors"),
                "{\"__metadata__\":{\"format\":\"pt\",\"step\":7}}", new byte[0]);
        assertRejected(() -> SafetensorsFile.open(path), path, "__metadata__", "step", "not a string");
    }

    @Test
    void rejectsAnUnknownDtypeNamingTensorAndValue() {
        Path path = safetensors(dir.resolve("dtype.safetensors"),
                "{\"w\":{\"dtype\":\"F12\",\"shape\":[1],\"data_offsets\":[0,2]}}", new byte[2]);
        assertRejected(() -> SafetensorsFile.open(path), path, "tensor w", "F12");
    }

    @Test
    void rejectsAShapeThatDisagreesWithTheByteRange() {
        Path path = safetensors(dir.resolve("shape.safetensors"),
                "{\"w\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,20]}}", new byte[20]);
        assertRejected(() -> SafetensorsFile.open(path), path, "tensor w", "[2, 3]", "24 bytes", "span 20");
    }

    @Test
    void rejectsNegativeAndFractionalDimensions() {
        Path negative = safetensors(dir.resolve("neg.safetensors"),
                "{\"w\":{\"dtype\":\"U8\",\"shape\":[-1],\"data_offsets\":[0,0]}}", new byte[0]);
        assertRejected(() -> SafetensorsFile.open(negative), negative, "tensor w", "shape", "-1");
        Path fractional = safetensors(dir.resolve("frac.safetensors"),
                "{\"w\":{\"dtype\":\"U8\",\"shape\":[1.0],\"data_offsets\":[0,1]}}", new byte[1]);
        assertRejected(() -> SafetensorsFile.open(fractional), fractional, "tensor w", "shape", "1.0");
    }

    @Test
    void rejectsOffsetsThatEndBeforeTheyBegin() {
        Path path = safetensors(dir.resolve("reversed.safetensors"),
                "{\"w\":{\"dtype\":\"U8\",\"shape\":[0],\"data_offsets\":[4,0]}}", new byte[4]);
        assertRejected(() -> SafetensorsFile.open(path), path, "tensor w", "[4, 0]");
    }

    @Test
    void rejectsOverlappingRanges() {
        Path path = safetensors(dir.resolve("overlap.safetensors"), """
                {"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},\
                "b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}""", new byte[12]);
        assertRejected(() -> SafetensorsFile.open(path), path, "tensor b", "[4, 12]", "overlap tensor a");
    }

    @Test
    void rejectsAHoleBetweenRanges() {
        Path path = safetensors(dir.resolve("hole.safetensors"), """
                {"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},\
                "b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}""", new byte[12]);
        assertRejected(() -> SafetensorsFile.open(path), path, "tensor b", "hole of 4 bytes", "after tensor a");
    }

    @Test
    void rejectsAHoleAtTheStartOfTheData() {
        Path path = safetensors(dir.resolve("start.safetensors"),
                "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", new byte[8]);
        assertRejected(() -> SafetensorsFile.open(path), path, "tensor a", "hole of 4 bytes", "start");
    }

    @Test
    void rejectsTrailingBytesAfterTheLastTensor() {
        Path path = safetensors(dir.resolve("trailing.safetensors"),
                "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", new byte[7]);
        assertRejected(() -> SafetensorsFile.open(path), path, "3 trailing bytes");
    }

    @Test
    void rejectsOffsetsPastTheEndOfTheData() {
        Path path = safetensors(dir.resolve("past.safetensors"),
                "{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", new byte[8]);
        assertRejected(() -> SafetensorsFile.open(path), path, "tensor a", "[0, 16]", "past the end", "8-byte");
    }

    @Test
    void rejectsATruncatedFile() throws IOException {
        Path path = twoTensors();
        byte[] whole = Files.readAllBytes(path);
        Files.write(path, Arrays.copyOf(whole, whole.length - 3));
        assertRejected(() -> SafetensorsFile.open(path), path, "tensor b", "past the end", "truncated");
    }

    @Test
    void namesFileAndTensorWhenAskedForATensorItDoesNotHold() {
        Path path = twoTensors();
        try (SafetensorsFile file = SafetensorsFile.open(path)) {
            assertRejected(() -> file.bytes("c"), path, "no tensor c");
        }
    }

    @Test
    void refusesToMapAfterClose() {
        Path path = twoTensors();
        SafetensorsFile file = SafetensorsFile.open(path);
        ByteBuffer before = file.bytes("b");
        file.close();
        assertRejected(() -> file.bytes("b"), path, "tensor b", "cannot map");
        assertEquals(1.5f, before.getFloat(0), "a mapping made before close stays readable");
    }
}
