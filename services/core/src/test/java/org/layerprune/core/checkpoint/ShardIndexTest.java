package org.layerprune.core.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.layerprune.core.checkpoint.TestFiles.assertRejected;
import static org.layerprune.core.checkpoint.TestFiles.writeString;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShardIndexTest {

    @TempDir
    Path root;

    private Path dir;
    private Path index;

    @BeforeEach
    void twoShards() throws IOException {
        dir = Files.createDirectory(root.resolve("ckpt"));
        index = dir.resolve(ShardIndex.FILE_NAME);
        Files.write(dir.resolve("model-00001-of-00002.safetensors"), new byte[0]);
        Files.write(dir.resolve("model-00002-of-00002.safetensors"), new byte[0]);
    }

    @Test
    void readsTheWeightMapInFileOrderAndTheTotalSize() {
        writeString(index, """
                {"metadata": {"total_size": 96},
                 "weight_map": {"lm_head.weight": "model-00002-of-00002.safetensors",
                                "model.embed_tokens.weight": "model-00001-of-00002.safetensors",
                                "model.norm.weight": "model-00002-of-00002.safetensors"}}""");
        ShardIndex read = ShardIndex.read(index);
        assertEquals(OptionalLong.of(96), read.totalSize());
        assertEquals(List.of("lm_head.weight", "model.embed_tokens.weight", "model.norm.weight"),
                List.copyOf(read.weightMap().keySet()));
        assertEquals(List.of("model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors"),
                read.shardFiles());
    }

    @Test
    void toleratesAnIndexWithoutTotalSize() {
        writeString(index, "{\"weight_map\": {\"w\": \"model-00001-of-00002.safetensors\"}}");
        assertEquals(OptionalLong.empty(), ShardIndex.read(index).totalSize());
    }

    @Test
    void writesSortedKeysAsTransformersDoesAndReadsThemBack() throws IOException {
        Map<String, String> weightMap = new LinkedHashMap<>();
        weightMap.put("b", "model-00002-of-00002.safetensors");
        weightMap.put("a", "model-00001-of-00002.safetensors");
        new ShardIndex(40, weightMap).write(index);

        assertEquals("""
                {
                  "metadata": {
                    "total_size": 40
                  },
                  "weight_map": {
                    "a": "model-00001-of-00002.safetensors",
                    "b": "model-00002-of-00002.safetensors"
                  }
                }
                """, Files.readString(index));
        ShardIndex read = ShardIndex.read(index);
        assertEquals(OptionalLong.of(40), read.totalSize());
        assertEquals(weightMap, read.weightMap());
    }

    @Test
    void rejectsAnIndexNamingAMissingShard() {
        writeString(index, "{\"weight_map\": {\"w\": \"model-00003-of-00003.safetensors\"}}");
        assertRejected(() -> ShardIndex.read(index), index, "entry w", "missing shard model-00003-of-00003");
    }

    @Test
    void rejectsAShardPathOutsideTheDirectoryEvenWhenTheFileExists() throws IOException {
        Files.write(root.resolve("outside.safetensors"), new byte[0]);
        writeString(index, "{\"weight_map\": {\"w\": \"../outside.safetensors\"}}");
        assertRejected(() -> ShardIndex.read(index), index, "entry w", "../outside.safetensors");

        writeString(index, "{\"weight_map\": {\"v\": \"" + root.resolve("outside.safetensors") + "\"}}");
        assertRejected(() -> ShardIndex.read(index), index, "entry v", "not a plain file name");

        writeString(index, "{\"weight_map\": {\"u\": \"..\"}}");
        assertRejected(() -> ShardIndex.read(index), index, "entry u");
    }

    @Test
    void rejectsAShardInASubdirectory() throws IOException {
        Files.createDirectory(dir.resolve("sub"));
        Files.write(dir.resolve("sub").resolve("x.safetensors"), new byte[0]);
        writeString(index, "{\"weight_map\": {\"w\": \"sub/x.safetensors\"}}");
        assertRejected(() -> ShardIndex.read(index), index, "entry w", "sub/x.safetensors");
    }

    @Test
    void rejectsAnIndexWithoutAWeightMap() {
        writeString(index, "{\"metadata\": {\"total_size\": 0}}");
        assertRejected(() -> ShardIndex.read(index), index, "weight_map");
    }

    @Test
    void rejectsMalformedIndexJson() {
        writeString(index, "{\"weight_map\": {\"w\": ");
        assertRejected(() -> ShardIndex.read(index), index, "not well-formed JSON");
    }

    @Test
    void rejectsANegativeTotalSize() {
        writeString(index, "{\"metadata\": {\"total_size\": -1}, \"weight_map\": {}}");
        assertRejected(() -> ShardIndex.read(index), index, "total_size");
    }

    @Test
    void refusesToBuildAnIndexPointingOutsideTheDirectory() {
        assertThrows(IllegalArgumentException.class, () -> new ShardIndex(0, Map.of("w", "../x.safetensors")));
    }
}
