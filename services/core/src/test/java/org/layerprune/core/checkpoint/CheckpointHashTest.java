package org.layerprune.core.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.layerprune.core.checkpoint.TestFiles.pattern;
import static org.layerprune.core.checkpoint.TestFiles.tensor;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointHashTest {

    private static final String CONFIG = "{\"model_type\": \"llama\", \"num_hidden_layers\": 2}";

    @TempDir
    Path root;

    private static List<TensorData> tensors() {
        return List.of(
                tensor("model.embed_tokens.weight", DType.F32, new long[] {2, 2}, pattern(16, 0)),
                tensor("model.layers.0.mlp.up_proj.weight", DType.BF16, new long[] {8}, pattern(16, 20)),
                tensor("model.layers.1.mlp.up_proj.weight", DType.F16, new long[] {2, 4}, pattern(16, 40)),
                tensor("model.norm.weight", DType.F32, new long[] {4}, pattern(16, 60)));
    }

    @Test
    void hashesNameSizeAndContentDigestOfConfigAndWeightsInNameOrder() throws Exception {
        Path single = root.resolve("single");
        CheckpointWriter.to(single).write(CONFIG, tensors(), List.of());
        try (Checkpoint checkpoint = Checkpoint.open(single)) {
            assertEquals(byTheDefinition(single, List.of("config.json", "model.safetensors")),
                    CheckpointHash.of(checkpoint));
        }
    }

    @Test
    void coversEveryShardAndTheIndexOfAShardedCheckpoint() throws Exception {
        Path sharded = root.resolve("sharded");
        CheckpointWriter.to(sharded).maxShardBytes(32).write(CONFIG, tensors(), List.of());
        try (Checkpoint checkpoint = Checkpoint.open(sharded)) {
            assertEquals(byTheDefinition(sharded, List.of("config.json", ShardIndex.FILE_NAME,
                    "model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors")),
                    CheckpointHash.of(checkpoint));
        }
    }

    @Test
    void ignoresTheDirectoryPathAndFilesOutsideTheCheckpoint() throws IOException {
        Path tokenizer = Files.writeString(root.resolve("tokenizer.json"), "{}");
        Path a = root.resolve("a");
        Path b = root.resolve("elsewhere").resolve("b");
        CheckpointWriter.to(a).write(CONFIG, tensors(), List.of());
        CheckpointWriter.to(b).write(CONFIG, tensors(), List.of(tokenizer));
        Files.writeString(b.resolve("README.md"), "# a model card");
        assertEquals(hash(a), hash(b));
    }

    @Test
    void changesWhenOneByteOfTheWeightsOrTheConfigChanges() throws IOException {
        Path dir = root.resolve("dir");
        CheckpointWriter.to(dir).write(CONFIG, tensors(), List.of());
        String original = hash(dir);

        Path weights = dir.resolve("model.safetensors");
        byte[] bytes = Files.readAllBytes(weights);
        bytes[bytes.length - 1] ^= 1;
        Files.write(weights, bytes);
        String flipped = hash(dir);
        assertNotEquals(original, flipped);

        Files.writeString(dir.resolve("config.json"), CONFIG.replace("2}", "2 }"));
        assertNotEquals(flipped, hash(dir));
    }

    @Test
    void agreesWithTheDigestsOfTheManifestThatCheckpointWriterWrites() throws IOException {
        Path dir = root.resolve("dir");
        CheckpointWriter.to(dir).maxShardBytes(32).write(CONFIG, tensors(), List.of());
        Map<String, Manifest.FileDigest> checkpointFiles = new TreeMap<>(
                Manifest.read(dir.resolve(Manifest.FILE_NAME)).files());
        assertEquals(hash(dir), CheckpointHash.of(checkpointFiles));
    }

    @Test
    void theDocumentedPythonRecipeGivesTheSameHash() throws Exception {
        Path dir = root.resolve("dir");
        CheckpointWriter.to(dir).maxShardBytes(32).write(CONFIG, tensors(), List.of());
        Files.writeString(dir.resolve("tokenizer.json"), "{}");
        String script = """
                import hashlib, os, sys
                d = sys.argv[1]
                names = [n for n in os.listdir(d) if n == "config.json" or n.startswith("model")]
                files = [(n, os.path.getsize(os.path.join(d, n)),
                          hashlib.sha256(open(os.path.join(d, n), "rb").read()).hexdigest()) for n in names]
                records = b"".join(b"%s\\0%d\\0%s\\n" % (name.encode(), size, sha.encode()) for name, size, sha in sorted(files))
                print(hashlib.sha256(records).hexdigest())
                """;
        Process python;
        try {
            python = new ProcessBuilder("python3", "-c", script, dir.toString()).redirectErrorStream(true).start();
        } catch (IOException e) {
            assumeTrue(false, "python3 is not available");
            return;
        }
        String out = new String(python.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertTrue(python.waitFor(60, TimeUnit.SECONDS) && python.exitValue() == 0, out);
        assertEquals(hash(dir), out);
    }

    @Test
    void streamsAFileLargerThanItsBuffer() throws Exception {
        Path dir = root.resolve("dir");
        CheckpointWriter.to(dir).write(CONFIG, List.of(tensor("w", DType.U8, new long[] {9 << 20},
                new byte[9 << 20])), List.of());
        try (FileChannel channel = FileChannel.open(dir.resolve("model.safetensors"), StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.wrap(new byte[] {7}), channel.size() - 1);
        }
        assertEquals(byTheDefinition(dir, List.of("config.json", "model.safetensors")), hash(dir));
    }

    private static String hash(Path dir) {
        try (Checkpoint checkpoint = Checkpoint.open(dir)) {
            return CheckpointHash.of(checkpoint);
        }
    }

    /** The class javadoc's definition, computed the slow way: whole files in memory. */
    private static String byTheDefinition(Path dir, List<String> names) throws Exception {
        String records = names.stream().sorted().map(name -> {
            try {
                byte[] content = Files.readAllBytes(dir.resolve(name));
                return name + "\0" + content.length + "\0" + sha256(content) + "\n";
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).collect(Collectors.joining());
        return sha256(records.getBytes(StandardCharsets.UTF_8));
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
