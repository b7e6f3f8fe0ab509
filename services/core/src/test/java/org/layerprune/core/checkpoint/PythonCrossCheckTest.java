package org.layerprune.core.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.layerprune.core.checkpoint.TestFiles.floats;
import static org.layerprune.core.checkpoint.TestFiles.longs;
import static org.layerprune.core.checkpoint.TestFiles.shorts;
import static org.layerprune.core.checkpoint.TestFiles.tensor;
import static org.layerprune.core.checkpoint.TestFiles.toArray;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cross-checks the Java reader and writers against an independent numpy implementation of the format
 * ({@code src/test/python/safetensors_crosscheck.py}); skipped where python3 with numpy is not installed.
 */
class PythonCrossCheckTest {

    private static final Path SCRIPT = Stream.of("src/test/python", "services/core/src/test/python")
            .map(dir -> Path.of(dir, "safetensors_crosscheck.py"))
            .filter(Files::isRegularFile)
            .findFirst()
            .orElseThrow(() -> new IllegalStateException("safetensors_crosscheck.py not found from " + Path.of("")
                    .toAbsolutePath()));

    @TempDir
    Path dir;

    @BeforeAll
    static void pythonWithNumpy() throws InterruptedException {
        int status;
        try {
            Process process = new ProcessBuilder("python3", "-c", "import numpy").redirectErrorStream(true).start();
            process.getInputStream().transferTo(OutputStream.nullOutputStream());
            status = process.waitFor(60, TimeUnit.SECONDS) ? process.exitValue() : -1;
        } catch (IOException e) {
            status = -1;
        }
        Assumptions.assumeTrue(status == 0, "python3 with numpy is not available");
    }

    @Test
    void numpyDecodesAJavaWrittenFileToTheValuesJavaEncoded() throws Exception {
        Path file = dir.resolve("java.safetensors");
        SafetensorsWriter.write(file, List.of(
                tensor("f32", DType.F32, new long[] {2, 2}, floats(1.5f, -2f, 1e-3f, Float.MIN_NORMAL)),
                tensor("f16", DType.F16, new long[] {4}, shorts(0x3C00, 0xC000, 0x3800, 0x7BFF)),
                tensor("bf16", DType.BF16, new long[] {3}, shorts(0x3F80, 0xC060, 0x3E20)),
                tensor("i64", DType.I64, new long[] {2}, longs(-1, 1L << 40)),
                tensor("u8", DType.U8, new long[] {3}, new byte[] {0, 127, (byte) 255}),
                tensor("bool", DType.BOOL, new long[] {2}, new byte[] {1, 0}),
                tensor("scalar", DType.F64, new long[] {}, ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN)
                        .putDouble(Math.PI).array())), Map.of("run", "7"));

        JsonNode read = python("read", file);
        assertEquals(0, read.get("header_length").asLong() % 8);
        assertEquals(Map.of("format", "pt", "run", "7"),
                new ObjectMapper().convertValue(read.get("metadata"), Map.class));
        JsonNode tensors = read.get("tensors");
        assertEquals(List.of("f32", "f16", "bf16", "i64", "u8", "bool", "scalar"), names(tensors));
        assertEquals("[1.5,-2.0,0.0010000000474974513,1.1754943508222875E-38]", values(tensors, 0));
        assertEquals("[1.0,-2.0,0.5,65504.0]", values(tensors, 1));
        assertEquals("[1.0,-3.5,0.15625]", values(tensors, 2));
        assertEquals("[-1,1099511627776]", values(tensors, 3));
        assertEquals("[0,127,255]", values(tensors, 4));
        assertEquals("[true,false]", values(tensors, 5));
        assertEquals("[3.141592653589793]", values(tensors, 6));
        assertEquals("[]", tensors.get(6).get("shape").toString());
    }

    @Test
    void javaReadsANumpyWrittenFileInItsHeaderOrder() throws Exception {
        Path file = dir.resolve("numpy.safetensors");
        run("write", file);
        try (SafetensorsFile read = SafetensorsFile.open(file)) {
            assertEquals(Map.of("format", "pt", "source", "numpy"), read.metadata());
            assertEquals(List.of("f64", "i64", "f32", "i32", "scalar", "bf16", "f16", "bool", "u8"),
                    read.tensors().stream().map(TensorInfo::name).toList());
            assertArrayEquals(new long[] {2, 3}, read.info("f32").orElseThrow().shape());
            assertArrayEquals(floats(1.5f, -2f, 3.25f, 0f, 1e-3f, 7f), toArray(read.bytes("f32")));
            assertArrayEquals(shorts(0x3C00, 0xC000, 0x3800, 0x7BFF), toArray(read.bytes("f16")));
            assertArrayEquals(shorts(0x3F80, 0xC060, 0x3E20), toArray(read.bytes("bf16")));
            assertArrayEquals(longs(-1, 1L << 40), toArray(read.bytes("i64")));
            assertEquals(-7, read.bytes("i32").getInt(0));
            assertEquals(Math.PI, read.bytes("f64").getDouble(0));
            assertEquals(42f, read.bytes("scalar").getFloat(0));
            assertArrayEquals(new long[0], read.info("scalar").orElseThrow().shape());
            assertArrayEquals(new byte[] {1, 0, 1}, toArray(read.bytes("bool")));
        }
    }

    @Test
    void numpyAgreesWithTheManifestAndIndexOfAJavaWrittenShardedCheckpoint() throws Exception {
        Path tokenizer = Files.writeString(dir.resolve("tokenizer.json"), "{}");
        Path out = dir.resolve("out");
        List<TensorData> tensors = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            tensors.add(tensor("model.layers." + i + ".mlp.down_proj.weight", DType.BF16, new long[] {4, 4},
                    TestFiles.pattern(32, i)));
        }
        CheckpointWriter.to(out).maxShardBytes(64).write("{\"num_hidden_layers\": 6}", tensors, List.of(tokenizer));

        JsonNode summary = python("checkpoint", out);
        assertEquals(192, summary.get("total_size").asLong());
        assertEquals(6, summary.get("tensors").asInt());
        assertEquals(6, summary.get("files").asInt(), "config, tokenizer, index and three shards");
    }

    private static List<String> names(JsonNode tensors) {
        List<String> names = new ArrayList<>();
        tensors.forEach(tensor -> names.add(tensor.get("name").asText()));
        return names;
    }

    private static String values(JsonNode tensors, int index) {
        return tensors.get(index).get("values").toString();
    }

    private static JsonNode python(String mode, Path path) throws Exception {
        return new ObjectMapper().readTree(run(mode, path));
    }

    private static String run(String mode, Path path) throws Exception {
        Process process = new ProcessBuilder("python3", SCRIPT.toString(), mode, path.toString()).start();
        byte[] stdout = process.getInputStream().readAllBytes();
        String stderr = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "python3 timed out");
        assertEquals(0, process.exitValue(), stderr);
        return new String(stdout, StandardCharsets.UTF_8);
    }
}
