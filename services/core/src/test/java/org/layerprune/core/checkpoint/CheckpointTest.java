package org.layerprune.core.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.layerprune.core.checkpoint.TestFiles.assertRejected;
import static org.layerprune.core.checkpoint.TestFiles.pattern;
import static org.layerprune.core.checkpoint.TestFiles.tensor;
import static org.layerprune.core.checkpoint.TestFiles.toArray;
import static org.layerprune.core.checkpoint.TestFiles.writeString;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointTest {

    private static final String SHARD_1 = "model-00001-of-00002.safetensors";
    private static final String SHARD_2 = "model-00002-of-00002.safetensors";

    @TempDir
    Path root;

    private Path dir;

    @BeforeEach
    void checkpointDirectoryWithConfig() throws IOException {
        dir = Files.createDirectory(root.resolve("tiny-llama"));
        writeString(dir.resolve("config.json"), "{\"num_hidden_layers\": 2}");
    }

    /** Shard 1 holds embed and norm, shard 2 holds head; the index says so unless a test rewrites it. */
    private void twoShards() {
        SafetensorsWriter.write(dir.resolve(SHARD_1), List.of(
                tensor("model.embed_tokens.weight", DType.BF16, new long[] {4, 2}, pattern(16, 0)),
                tensor("model.norm.weight", DType.F32, new long[] {2}, pattern(8, 50))), Map.of());
        SafetensorsWriter.write(dir.resolve(SHARD_2), List.of(
                tensor("lm_head.weight", DType.F16, new long[] {4, 2}, pattern(16, 100))), Map.of());
        index("\"lm_head.weight\": \"" + SHARD_2 + "\", \"model.embed_tokens.weight\": \"" + SHARD_1
                + "\", \"model.norm.weight\": \"" + SHARD_1 + "\"");
    }

    private void index(String weightMapEntries) {
        writeString(dir.resolve(ShardIndex.FILE_NAME),
                "{\"metadata\": {\"total_size\": 40}, \"weight_map\": {" + weightMapEntries + "}}");
    }

    private void singleFile() {
        SafetensorsWriter.write(dir.resolve("model.safetensors"), List.of(
                tensor("model.embed_tokens.weight", DType.F32, new long[] {2, 3}, pattern(24, 0))), Map.of());
    }

    @Test
    void opensASingleFileCheckpoint() {
        singleFile();
        try (Checkpoint checkpoint = Checkpoint.open(dir)) {
            assertFalse(checkpoint.isSharded());
            assertEquals(dir, checkpoint.dir());
            assertEquals(dir.resolve("config.json"), checkpoint.configFile());
            assertEquals(List.of(dir.resolve("model.safetensors")), checkpoint.weightFiles());
            assertEquals(List.of("model.embed_tokens.weight"),
                    checkpoint.tensors().stream().map(TensorInfo::name).toList());
            assertArrayEquals(pattern(24, 0), toArray(checkpoint.bytes("model.embed_tokens.weight")));
        }
    }

    @Test
    void opensEveryShardAndListsTensorsInShardThenHeaderOrder() {
        twoShards();
        try (Checkpoint checkpoint = Checkpoint.open(dir)) {
            assertTrue(checkpoint.isSharded());
            assertEquals(List.of(dir.resolve(SHARD_1), dir.resolve(SHARD_2)), checkpoint.weightFiles());
            assertEquals(List.of("model.embed_tokens.weight", "model.norm.weight", "lm_head.weight"),
                    checkpoint.tensors().stream().map(TensorInfo::name).toList());
            assertEquals(dir.resolve(SHARD_2), checkpoint.fileOf("lm_head.weight"));
            assertEquals(DType.F16, checkpoint.info("lm_head.weight").orElseThrow().dtype());
            assertTrue(checkpoint.info("model.layers.0.mlp.up_proj.weight").isEmpty());
            assertArrayEquals(pattern(16, 100), toArray(checkpoint.bytes("lm_head.weight")));
        }
    }

    @Test
    void prefersModelSafetensorsOverAnIndexAsTransformersDoes() {
        twoShards();
        singleFile();
        try (Checkpoint checkpoint = Checkpoint.open(dir)) {
            assertFalse(checkpoint.isSharded());
            assertEquals(1, checkpoint.tensors().size());
        }
    }

    @Test
    void requireReturnsATensorWithTheExpectedShape() {
        twoShards();
        try (Checkpoint checkpoint = Checkpoint.open(dir)) {
            assertEquals(DType.BF16, checkpoint.require("model.embed_tokens.weight", 4, 2).dtype());
        }
    }

    @Test
    void requireNamesTheDirectoryAndAMissingTensor() {
        twoShards();
        try (Checkpoint checkpoint = Checkpoint.open(dir)) {
            CheckpointException e = assertRejected(() -> checkpoint.require("model.layers.0.self_attn.q_proj.weight"),
                    dir);
            assertEquals(dir + ": missing tensor model.layers.0.self_attn.q_proj.weight", e.getMessage());
            assertRejected(() -> checkpoint.bytes("nope"), dir, "missing tensor nope");
            assertRejected(() -> checkpoint.fileOf("nope"), dir, "missing tensor nope");
        }
    }

    @Test
    void requireNamesTheFileTheTensorAndBothShapes() {
        twoShards();
        try (Checkpoint checkpoint = Checkpoint.open(dir)) {
            CheckpointException e = assertRejected(() -> checkpoint.require("lm_head.weight", 2, 4),
                    dir.resolve(SHARD_2));
            assertEquals(dir.resolve(SHARD_2) + ": tensor lm_head.weight has shape [4, 2], expected [2, 4]",
                    e.getMessage());
        }
    }

    @Test
    void rejectsAPathThatIsNotADirectory() {
        Path file = dir.resolve("config.json");
        assertRejected(() -> Checkpoint.open(file), file, "not a directory");
        Path missing = root.resolve("missing");
        assertRejected(() -> Checkpoint.open(missing), missing, "not a directory");
    }

    @Test
    void rejectsADirectoryWithoutConfigJson() throws IOException {
        singleFile();
        Files.delete(dir.resolve("config.json"));
        assertRejected(() -> Checkpoint.open(dir), dir, "no config.json");
    }

    @Test
    void rejectsADirectoryWithoutWeights() {
        assertRejected(() -> Checkpoint.open(dir), dir, "model.safetensors", ShardIndex.FILE_NAME);
    }

    @Test
    void rejectsATensorListedInTheIndexButMissingFromItsShard() {
        twoShards();
        index("\"lm_head.weight\": \"" + SHARD_2 + "\", \"model.embed_tokens.weight\": \"" + SHARD_1
                + "\", \"model.norm.weight\": \"" + SHARD_1 + "\", \"model.layers.0.ghost\": \"" + SHARD_2 + "\"");
        assertRejected(() -> Checkpoint.open(dir), dir.resolve(SHARD_2), "tensor model.layers.0.ghost",
                "not in this shard");
    }

    @Test
    void rejectsATensorTheIndexPutsInAnotherShard() {
        twoShards();
        index("\"lm_head.weight\": \"" + SHARD_1 + "\", \"model.embed_tokens.weight\": \"" + SHARD_1
                + "\", \"model.norm.weight\": \"" + SHARD_2 + "\"");
        assertRejected(() -> Checkpoint.open(dir), dir.resolve(SHARD_1), "tensor model.norm.weight",
                "maps it to " + SHARD_2);
    }

    @Test
    void rejectsATensorTheIndexDoesNotList() {
        twoShards();
        index("\"lm_head.weight\": \"" + SHARD_2 + "\", \"model.embed_tokens.weight\": \"" + SHARD_1 + "\"");
        assertRejected(() -> Checkpoint.open(dir), dir.resolve(SHARD_1), "tensor model.norm.weight",
                "does not list it");
    }

    @Test
    void rejectsATensorThatAppearsInTwoShards() {
        twoShards();
        SafetensorsWriter.write(dir.resolve(SHARD_2), List.of(
                tensor("lm_head.weight", DType.F16, new long[] {4, 2}, pattern(16, 100)),
                tensor("model.norm.weight", DType.F32, new long[] {2}, pattern(8, 50))), Map.of());
        assertRejected(() -> Checkpoint.open(dir), dir, "tensor model.norm.weight", SHARD_1, SHARD_2);
    }

    @Test
    void rejectsAnIndexNamingAMissingShard() throws IOException {
        twoShards();
        Files.delete(dir.resolve(SHARD_2));
        assertRejected(() -> Checkpoint.open(dir), dir.resolve(ShardIndex.FILE_NAME), "missing shard " + SHARD_2);
    }

    @Test
    void rejectsAnIndexPointingOutsideTheDirectory() throws IOException {
        twoShards();
        Files.copy(dir.resolve(SHARD_2), root.resolve(SHARD_2));
        index("\"lm_head.weight\": \"../" + SHARD_2 + "\", \"model.embed_tokens.weight\": \"" + SHARD_1
                + "\", \"model.norm.weight\": \"" + SHARD_1 + "\"");
        assertRejected(() -> Checkpoint.open(dir), dir.resolve(ShardIndex.FILE_NAME), "entry lm_head.weight",
                "../" + SHARD_2);
    }

    @Test
    void namesTheShardWhoseHeaderIsBad() throws IOException {
        twoShards();
        Files.write(dir.resolve(SHARD_2), new byte[] {1, 2, 3});
        assertRejected(() -> Checkpoint.open(dir), dir.resolve(SHARD_2), "too short");
    }
}
