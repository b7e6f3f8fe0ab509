package org.layerprune.core.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.layerprune.core.checkpoint.TestFiles.assertRejected;
import static org.layerprune.core.checkpoint.TestFiles.floats;
import static org.layerprune.core.checkpoint.TestFiles.pattern;
import static org.layerprune.core.checkpoint.TestFiles.tensor;
import static org.layerprune.core.checkpoint.TestFiles.toArray;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsWriterTest {

    @TempDir
    Path dir;

    @Test
    void roundTripsEveryDtypeWithFormatPtFirstInTheMetadata() {
        List<TensorData> written = new ArrayList<>();
        for (DType dtype : DType.values()) {
            written.add(tensor("t." + dtype, dtype, new long[] {2, 3}, pattern(6 * dtype.byteSize(), dtype.ordinal())));
        }
        Path path = dir.resolve("all.safetensors");
        SafetensorsWriter.write(path, written, Map.of("step", "12"));

        try (SafetensorsFile file = SafetensorsFile.open(path)) {
            assertEquals(List.of("format", "step"), List.copyOf(file.metadata().keySet()));
            assertEquals("pt", file.metadata().get("format"));
            assertEquals("12", file.metadata().get("step"));
            assertEquals(written.stream().map(TensorData::name).toList(),
                    file.tensors().stream().map(TensorInfo::name).toList());
            for (TensorData tensor : written) {
                TensorInfo info = file.info(tensor.name()).orElseThrow();
                assertEquals(tensor.dtype(), info.dtype());
                assertArrayEquals(tensor.shape(), info.shape());
                assertArrayEquals(toArray(tensor.data()), toArray(file.bytes(tensor.name())));
            }
        }
    }

    @Test
    void writesTheHeaderTheReferenceImplementationWrites() throws IOException {
        Path path = dir.resolve("w.safetensors");
        SafetensorsWriter.write(path, List.of(tensor("w", DType.F32, new long[] {2}, floats(1, 2))), Map.of());

        byte[] bytes = Files.readAllBytes(path);
        long headerLength = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
        String header = new String(bytes, 8, (int) headerLength, StandardCharsets.UTF_8);
        assertEquals("{\"__metadata__\":{\"format\":\"pt\"},"
                + "\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", header.stripTrailing());
        assertArrayEquals(floats(1, 2), Arrays.copyOfRange(bytes, 8 + (int) headerLength, bytes.length));
    }

    @Test
    void padsTheHeaderWithSpacesToAMultipleOfEightBytes() throws IOException {
        boolean padded = false;
        for (int nameLength = 1; nameLength <= 8; nameLength++) {
            Path path = dir.resolve("pad" + nameLength + ".safetensors");
            String name = "n".repeat(nameLength);
            SafetensorsWriter.write(path, List.of(tensor(name, DType.U8, new long[] {1}, new byte[] {7})), Map.of());

            byte[] bytes = Files.readAllBytes(path);
            int headerLength = (int) ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
            assertEquals(0, headerLength % 8, "header of " + name);
            String header = new String(bytes, 8, headerLength, StandardCharsets.UTF_8);
            String json = header.substring(0, header.lastIndexOf('}') + 1);
            assertTrue(header.substring(json.length()).chars().allMatch(c -> c == ' '));
            padded |= json.length() < headerLength;
        }
        assertTrue(padded, "some name length should need padding");
    }

    @Test
    void laysTensorsOutContiguouslyInTheGivenOrder() {
        Path path = dir.resolve("order.safetensors");
        SafetensorsWriter.write(path, List.of(
                tensor("z", DType.F64, new long[] {1}, pattern(8, 1)),
                tensor("a", DType.U8, new long[] {3}, pattern(3, 2)),
                tensor("m", DType.BF16, new long[] {2}, pattern(4, 3))), Map.of());
        try (SafetensorsFile file = SafetensorsFile.open(path)) {
            assertEquals(List.of(new TensorInfo("z", DType.F64, new long[] {1}, 0, 8),
                    new TensorInfo("a", DType.U8, new long[] {3}, 8, 11),
                    new TensorInfo("m", DType.BF16, new long[] {2}, 11, 15)), file.tensors());
        }
    }

    @Test
    void writesOnlyTheRemainingBytesAndLeavesTheCallersBufferAlone() {
        ByteBuffer source = ByteBuffer.wrap(pattern(12, 0)).position(2).limit(10);
        Path path = dir.resolve("slice.safetensors");
        SafetensorsWriter.write(path, List.of(new TensorData("w", DType.F32, new long[] {2}, source)), Map.of());

        assertEquals(2, source.position());
        assertEquals(10, source.limit());
        try (SafetensorsFile file = SafetensorsFile.open(path)) {
            assertArrayEquals(Arrays.copyOfRange(pattern(12, 0), 2, 10), toArray(file.bytes("w")));
        }
    }

    @Test
    void copiesAFileByteForByteFromItsMappedTensors() throws IOException {
        Path original = dir.resolve("original.safetensors");
        SafetensorsWriter.write(original, List.of(
                tensor("a", DType.F16, new long[] {3}, pattern(6, 9)),
                tensor("b", DType.I64, new long[] {1}, pattern(8, 5))), Map.of("note", "x"));
        Path copy = dir.resolve("copy.safetensors");
        try (SafetensorsFile file = SafetensorsFile.open(original)) {
            List<TensorData> tensors = file.tensors().stream()
                    .map(t -> new TensorData(t.name(), t.dtype(), t.shape(), file.bytes(t.name())))
                    .toList();
            SafetensorsWriter.write(copy, tensors, file.metadata());
        }
        assertArrayEquals(Files.readAllBytes(original), Files.readAllBytes(copy));
    }

    @Test
    void rejectsAShapeThatDisagreesWithTheByteCountAndWritesNothing() {
        Path path = dir.resolve("bad.safetensors");
        assertRejected(() -> SafetensorsWriter.write(path,
                List.of(tensor("w", DType.F32, new long[] {3}, new byte[8])), Map.of()),
                path, "tensor w", "[3]", "12 bytes");
        assertEquals(List.of(), listing());
    }

    @Test
    void rejectsATensorNameGivenTwice() {
        Path path = dir.resolve("twice.safetensors");
        assertRejected(() -> SafetensorsWriter.write(path, List.of(
                tensor("w", DType.U8, new long[] {1}, new byte[1]),
                tensor("w", DType.U8, new long[] {1}, new byte[1])), Map.of()), path, "tensor w", "twice");
    }

    @Test
    void rejectsAFormatOtherThanPt() {
        Path path = dir.resolve("tf.safetensors");
        assertRejected(() -> SafetensorsWriter.write(path, List.of(), Map.of("format", "tf")), path, "format", "tf");
    }

    @Test
    void replacesAnExistingFileAndLeavesNoTemporaryFile() throws IOException {
        Path path = dir.resolve("w.safetensors");
        Files.writeString(path, "old");
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("format", "pt");
        SafetensorsWriter.write(path, List.of(tensor("w", DType.U8, new long[] {2}, new byte[] {4, 2})), metadata);

        try (SafetensorsFile file = SafetensorsFile.open(path)) {
            assertArrayEquals(new byte[] {4, 2}, toArray(file.bytes("w")));
        }
        assertEquals(List.of("w.safetensors"), listing());
    }

    @Test
    void leavesNoTemporaryFileWhenTheDirectoryIsMissing() {
        Path path = dir.resolve("missing").resolve("w.safetensors");
        assertRejected(() -> SafetensorsWriter.write(path, List.of(), Map.of()), path, "cannot write");
        assertFalse(Files.exists(path.getParent()));
    }

    private List<String> listing() {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
