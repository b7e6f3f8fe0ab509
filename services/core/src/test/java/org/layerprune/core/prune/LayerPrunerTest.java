package org.layerprune.core.prune;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.layerprune.core.prune.Sources.LAYERS;
import static org.layerprune.core.prune.Sources.bytes;
import static org.layerprune.core.prune.Sources.listing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.layerprune.core.checkpoint.Checkpoint;
import org.layerprune.core.checkpoint.CheckpointException;
import org.layerprune.core.checkpoint.CheckpointHash;
import org.layerprune.core.checkpoint.DType;
import org.layerprune.core.checkpoint.Manifest;
import org.layerprune.core.checkpoint.ShardIndex;
import org.layerprune.core.checkpoint.TensorInfo;
import org.layerprune.core.model.ConfigException;
import org.layerprune.core.model.LlamaConfig;
import org.layerprune.core.model.LlamaModel;
import org.layerprune.core.model.RandomCheckpoint;
import org.layerprune.core.model.TensorKeys;
import org.layerprune.core.prune.PruneReport.SkippedFile;
import org.layerprune.core.similarity.ProbeResult;

class LayerPrunerTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path root;

    // ---------------------------------------------------------------- weights

    @ParameterizedTest(name = "start {0}, count {1}")
    @CsvSource({"0, 2", "2, 3", "4, 2", "5, 1", "0, 5"})
    void renumbersLayersContiguouslyAfterPruning(int start, int count) {
        Path source = Sources.llama(root.resolve("src"), DType.F32);
        BlockSelection block = BlockSelection.of(start, count, LAYERS);
        Path out = root.resolve("out");
        LayerPruner.prune(source, block, Provenance.manual(), out, false);

        try (Checkpoint before = Checkpoint.open(source); Checkpoint after = Checkpoint.open(out)) {
            List<String> expected = new ArrayList<>();
            for (TensorInfo tensor : before.tensors()) {
                int layer = TensorKeys.layerIndex(tensor.name());
                if (layer < 0) {
                    expected.add(tensor.name());
                } else if (layer < start) {
                    expected.add(tensor.name());
                } else if (layer >= start + count) {
                    expected.add(TensorKeys.renumber(tensor.name(), layer - count));
                }
            }
            assertEquals(expected, after.tensors().stream().map(TensorInfo::name).toList());
            TreeSet<Integer> layers = new TreeSet<>();
            after.tensors().forEach(t -> layers.add(TensorKeys.layerIndex(t.name())));
            layers.remove(-1);
            assertEquals(LAYERS - count, layers.size());
            assertEquals(0, layers.first());
            assertEquals(LAYERS - count - 1, layers.last());
        }
        LlamaConfig config = LlamaConfig.read(out.resolve("config.json"));
        assertEquals(LAYERS - count, config.numHiddenLayers());
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"F32", "BF16"})
    void copiesEveryKeptTensorByteIdenticallyInItsDtype(DType dtype) {
        Path source = Sources.llama(root.resolve("src"), dtype);
        BlockSelection block = new BlockSelection(1, 3);
        Path out = root.resolve("out");
        LayerPruner.prune(source, block, Provenance.manual(), out, false);

        try (Checkpoint before = Checkpoint.open(source); Checkpoint after = Checkpoint.open(out)) {
            int compared = 0;
            for (TensorInfo tensor : before.tensors()) {
                int layer = TensorKeys.layerIndex(tensor.name());
                if (layer >= 0 && block.removes(layer)) {
                    continue;
                }
                String name = layer < 0 ? tensor.name() : TensorKeys.renumber(tensor.name(), block.newIndex(layer));
                TensorInfo copy = after.info(name).orElseThrow(() -> new AssertionError("missing " + name));
                assertEquals(dtype, copy.dtype(), name);
                assertArrayEquals(tensor.shape(), copy.shape(), name);
                assertArrayEquals(bytes(before.bytes(tensor.name())), bytes(after.bytes(name)),
                        tensor.name() + " -> " + name);
                compared++;
            }
            assertEquals(after.tensors().size(), compared);
        }
    }

    @Test
    void keepsAShardedSourcesSchemeAndDropsAShardThatOnlyHeldRemovedLayers() throws IOException {
        Path source = Sources.shardedLlama(root.resolve("src"), root.resolve("scratch"));
        Path out = root.resolve("out");
        LayerPruner.prune(source, new BlockSelection(2, 2), Provenance.manual(), out, false);

        String first = "model-00001-of-00002.safetensors";
        String second = "model-00002-of-00002.safetensors";
        Map<String, String> expected = new LinkedHashMap<>();
        ShardIndex sourceIndex = ShardIndex.read(source.resolve(ShardIndex.FILE_NAME));
        sourceIndex.weightMap().forEach((name, shard) -> {
            int layer = TensorKeys.layerIndex(name);
            if (layer == 2 || layer == 3) {
                assertEquals("model-00002-of-00003.safetensors", shard, "the middle shard holds layers 2-3 only");
            } else if (layer >= 4) {
                expected.put(TensorKeys.renumber(name, layer - 2), second);
            } else {
                expected.put(name, shard.equals("model-00001-of-00003.safetensors") ? first : second);
            }
        });
        ShardIndex index = ShardIndex.read(out.resolve(ShardIndex.FILE_NAME));
        assertEquals(expected, index.weightMap());
        try (Checkpoint after = Checkpoint.open(out)) {
            long total = after.tensors().stream().mapToLong(TensorInfo::byteLength).sum();
            assertEquals(OptionalLong.of(total), index.totalSize());
        }
        assertEquals(List.of("config.json", "manifest.json", "mergekit.yaml", first, second, ShardIndex.FILE_NAME),
                listing(out));
    }

    @Test
    void keepsEveryShardThatStillHoldsATensor() {
        Path source = Sources.shardedLlama(root.resolve("src"), root.resolve("scratch"));
        Path out = root.resolve("out");
        LayerPruner.prune(source, new BlockSelection(1, 2), Provenance.manual(), out, false);
        Map<String, String> map = ShardIndex.read(out.resolve(ShardIndex.FILE_NAME)).weightMap();
        assertEquals("model-00001-of-00003.safetensors", map.get(TensorKeys.layer(0, "mlp.up_proj.weight")));
        assertEquals("model-00002-of-00003.safetensors", map.get(TensorKeys.layer(1, "mlp.up_proj.weight")));
        assertEquals("model-00003-of-00003.safetensors", map.get(TensorKeys.layer(2, "mlp.up_proj.weight")));
        assertEquals("model-00003-of-00003.safetensors", map.get(TensorKeys.NORM));
    }

    // ---------------------------------------------------------------- config.json

    @Test
    void rewritesConfigWithEveryOtherKeyUnchangedInOrderAndIndentedLikeTransformers() throws IOException {
        Path source = Sources.llama(root.resolve("src"), DType.F32);
        Path out = root.resolve("out");
        LayerPruner.prune(source, new BlockSelection(2, 2), Provenance.manual(), out, false);

        ObjectNode before = (ObjectNode) JSON.readTree(source.resolve("config.json").toFile());
        String text = Files.readString(out.resolve("config.json"));
        ObjectNode after = (ObjectNode) JSON.readTree(text);
        List<String> beforeKeys = new ArrayList<>();
        before.fieldNames().forEachRemaining(beforeKeys::add);
        List<String> afterKeys = new ArrayList<>();
        after.fieldNames().forEachRemaining(afterKeys::add);
        assertEquals(beforeKeys, afterKeys);
        assertEquals(LAYERS - 2, after.get("num_hidden_layers").intValue());
        assertEquals(before, after.deepCopy().put("num_hidden_layers", LAYERS));
        assertTrue(text.startsWith("{\n  \"architectures\": [\n    \"LlamaForCausalLM\"\n  ],\n  \"model_type\": "),
                text);
        assertTrue(text.endsWith("}\n"));
    }

    @Test
    void cutsLayerTypesAndReexpressesMaxWindowLayersOfAQwen2Source() throws IOException {
        ObjectNode config = (ObjectNode) JSON.readTree("""
                {"model_type": "qwen2", "hidden_size": 16, "intermediate_size": 24, "num_hidden_layers": 6,
                 "num_attention_heads": 2, "num_key_value_heads": 1, "vocab_size": 40, "use_sliding_window": true,
                 "sliding_window": 3, "max_window_layers": 3, "tie_word_embeddings": true}""");
        Path source = root.resolve("src");
        RandomCheckpoint.write(config, DType.BF16, 1, 0.05, Long.MAX_VALUE, source);
        Path out = root.resolve("out");
        LayerPruner.prune(source, new BlockSelection(1, 3), Provenance.manual(), out, false);

        JsonNode after = JSON.readTree(out.resolve("config.json").toFile());
        assertEquals(1, after.get("max_window_layers").intValue());
        List<Integer> expected = new ArrayList<>(LlamaConfig.read(source.resolve("config.json")).slidingWindows());
        expected.subList(1, 4).clear();
        assertEquals(expected, LlamaConfig.read(out.resolve("config.json")).slidingWindows());
    }

    // ---------------------------------------------------------------- other files

    @Test
    void copiesOtherFilesByteForByteButNotWeightsInOtherFormatsAndReportsThose() throws IOException {
        Path source = Sources.llama(root.resolve("src"), DType.F32);
        Map<String, byte[]> copied = new LinkedHashMap<>();
        copied.put("tokenizer.json", "{\"model\": {\"type\": \"BPE\"}}".getBytes());
        copied.put("tokenizer_config.json", "{\"bos_token\": \"<s>\"}\r\n".getBytes());
        copied.put("special_tokens_map.json", "{}".getBytes());
        copied.put("tokenizer.model", new byte[] {0, 1, 2, (byte) 0xFF, 10, 13});
        copied.put("generation_config.json", "{\"eos_token_id\": 2}".getBytes());
        copied.put("README.md", "# a model card\n".getBytes());
        copied.put(".gitattributes", "*.bin filter=lfs\n".getBytes());
        for (Map.Entry<String, byte[]> file : copied.entrySet()) {
            Files.write(source.resolve(file.getKey()), file.getValue());
        }
        for (String name : List.of("pytorch_model.bin", "pytorch_model.bin.index.json", "consolidated.safetensors",
                "model.gguf", "params.json", "manifest.json", "mergekit.yaml")) {
            Files.writeString(source.resolve(name), "still has every layer");
        }
        Files.createDirectory(source.resolve("original"));

        PruneReport report = LayerPruner.prune(source, new BlockSelection(2, 2), Provenance.manual(),
                root.resolve("out"), false);

        Path out = root.resolve("out");
        for (Map.Entry<String, byte[]> file : copied.entrySet()) {
            assertArrayEquals(file.getValue(), Files.readAllBytes(out.resolve(file.getKey())), file.getKey());
        }
        assertEquals(List.of("consolidated.safetensors", "manifest.json", "mergekit.yaml", "model.gguf", "original",
                "params.json", "pytorch_model.bin", "pytorch_model.bin.index.json"),
                report.skippedFiles().stream().map(SkippedFile::name).toList());
        assertTrue(report.skippedFiles().get(6).reason().contains("still hold the removed layers"));
        assertFalse(Files.exists(out.resolve("pytorch_model.bin")));
        assertFalse(Files.readString(out.resolve("mergekit.yaml")).contains("still has every layer"));
        List<String> expectedListing = new ArrayList<>(copied.keySet());
        expectedListing.addAll(List.of("config.json", "manifest.json", "mergekit.yaml", "model.safetensors"));
        expectedListing.sort(null);
        assertEquals(expectedListing, listing(out));
        assertEquals(expectedListing, report.outputFiles());
    }

    // ---------------------------------------------------------------- manifest, recipe, report

    @Test
    void recordsTheSourceTheRemovedLayersAndWhyInTheManifest() throws IOException {
        Path source = Sources.llama(root.resolve("src"), DType.BF16);
        String sourceHash;
        try (Checkpoint checkpoint = Checkpoint.open(source)) {
            sourceHash = CheckpointHash.of(checkpoint);
        }
        ProbeResult probe = BlockSelectionTest.probe(sourceHash);
        BlockSelection block = BlockSelection.fromProbe(probe, 2);
        Path out = root.resolve("out");
        PruneReport report = LayerPruner.prune(source, block, Provenance.fromProbe(probe, block), out, false);

        Manifest manifest = Manifest.read(out.resolve(Manifest.FILE_NAME));
        manifest.verify(out);
        assertEquals(JSON.readTree("""
                {"tool": "layerprune 0.1.0", "operation": "prune",
                 "source": {"path": "%s", "hash": "%s"},
                 "layers": {"before": 6, "after": 4},
                 "removed_layers": {"start": 3, "count": 2, "indices": [3, 4]},
                 "strategy": "probe", "metric": "angular-last-token", "distance": 0.2}"""
                .formatted(source.toAbsolutePath(), sourceHash)), manifest.provenance().orElseThrow());
        assertEquals(sourceHash, report.sourceHash());
        try (Checkpoint pruned = Checkpoint.open(out)) {
            assertEquals(CheckpointHash.of(pruned), report.outputHash());
        }
    }

    @Test
    void recordsAManualOrSimpleChoiceWithoutMetricOrDistance() {
        Path source = Sources.llama(root.resolve("src"), DType.F32);
        Path out = root.resolve("out");
        LayerPruner.prune(source, BlockSelection.simple(LAYERS, 2), Provenance.simple(), out, false);
        ObjectNode provenance = Manifest.read(out.resolve(Manifest.FILE_NAME)).provenance().orElseThrow();
        assertEquals("simple", provenance.get("strategy").asText());
        assertEquals("[3,4]", provenance.at("/removed_layers/indices").toString());
        assertFalse(provenance.has("metric"));
        assertFalse(provenance.has("distance"));
    }

    @Test
    void writesTheMergekitRecipeOfTheSameCut() throws IOException {
        Path source = Sources.llama(root.resolve("src"), DType.BF16);
        Path out = root.resolve("out");
        LayerPruner.prune(source, new BlockSelection(2, 3), Provenance.manual(), out, false);
        assertEquals(MergekitRecipe.passthrough(source.toAbsolutePath().toString(), new BlockSelection(2, 3), LAYERS,
                Optional.of("bfloat16")), Files.readString(out.resolve("mergekit.yaml")));
        assertTrue(Files.readString(out.resolve("mergekit.yaml")).contains("layer_range: [5, 6]"));
    }

    @Test
    void reportsLayerCountsRemovedLayersParametersAndFiles() {
        Path source = Sources.llama(root.resolve("src"), DType.F32);
        Path out = root.resolve("out");
        PruneReport report = LayerPruner.prune(source, new BlockSelection(1, 2), Provenance.manual(), out, false);

        assertEquals(source.toAbsolutePath(), report.source());
        assertEquals(out.toAbsolutePath(), report.output());
        assertEquals(6, report.layersBefore());
        assertEquals(4, report.layersAfter());
        assertEquals(List.of(1, 2), report.removedLayers());
        assertEquals(LlamaModel.parameterCount(LlamaConfig.read(out.resolve("config.json"))), report.parameters());
        assertEquals(List.of("config.json", "manifest.json", "mergekit.yaml", "model.safetensors"),
                report.outputFiles());
        assertEquals(List.of(new SkippedFile("manifest.json",
                "the source's own manifest; the pruned checkpoint gets a new one")), report.skippedFiles());
    }

    // ---------------------------------------------------------------- refusals

    @Test
    void refusesToRemoveAsManyLayersAsTheModelHas() {
        Path source = Sources.llama(root.resolve("src"), DType.F32);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LayerPruner.prune(source,
                new BlockSelection(0, LAYERS), Provenance.manual(), root.resolve("out"), false));
        assertMessage(e, source.toAbsolutePath() + ": ", "6 of 6", "n >= L");
        assertEquals(List.of("src"), listing(root));
    }

    @Test
    void refusesABlockThatEndsPastTheLastLayer() {
        Path source = Sources.llama(root.resolve("src"), DType.F32);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LayerPruner.prune(source,
                new BlockSelection(5, 2), Provenance.manual(), root.resolve("out"), false));
        assertMessage(e, source.toAbsolutePath() + ": ", "from layer 5", "past the last layer 5 of 6");
        assertEquals(List.of("src"), listing(root));
    }

    @Test
    void refusesAnExistingOutputWithoutOverwrite() throws IOException {
        Path source = Sources.llama(root.resolve("src"), DType.F32);
        Path out = root.resolve("out");
        LayerPruner.prune(source, new BlockSelection(1, 1), Provenance.manual(), out, false);
        byte[] config = Files.readAllBytes(out.resolve("config.json"));

        CheckpointException e = assertThrows(CheckpointException.class, () -> LayerPruner.prune(source,
                new BlockSelection(2, 2), Provenance.manual(), out, false));
        assertMessage(e, out.toAbsolutePath() + ": ", "already exists");
        assertArrayEquals(config, Files.readAllBytes(out.resolve("config.json")));
        assertEquals(List.of("out", "src"), listing(root));
    }

    @Test
    void refusesASourceThatIsNotACheckpoint() throws IOException {
        Path empty = Files.createDirectory(root.resolve("empty"));
        CheckpointException e = assertThrows(CheckpointException.class, () -> LayerPruner.prune(empty,
                new BlockSelection(0, 1), Provenance.manual(), root.resolve("out"), false));
        assertMessage(e, empty.toAbsolutePath() + ": ", "no config.json");
        assertThrows(CheckpointException.class, () -> LayerPruner.prune(root.resolve("missing"),
                new BlockSelection(0, 1), Provenance.manual(), root.resolve("out"), false));
        assertEquals(List.of("empty"), listing(root));
    }

    @Test
    void refusesAConfigWhoseLayerCountDisagreesWithTheWeights() throws IOException {
        Path source = Sources.llama(root.resolve("src"), DType.F32);
        Path config = source.resolve("config.json");
        String original = Files.readString(config);
        Files.writeString(config, original.replaceFirst("\"num_hidden_layers\" : 6", "\"num_hidden_layers\" : 5"));
        CheckpointException fewer = assertThrows(CheckpointException.class, () -> LayerPruner.prune(source,
                new BlockSelection(1, 1), Provenance.manual(), root.resolve("out"), false));
        assertMessage(fewer, source.toAbsolutePath() + ": ", "num_hidden_layers = 5", "layers 0..5");

        Files.writeString(config, original.replaceFirst("\"num_hidden_layers\" : 6", "\"num_hidden_layers\" : 8"));
        CheckpointException more = assertThrows(CheckpointException.class, () -> LayerPruner.prune(source,
                new BlockSelection(1, 1), Provenance.manual(), root.resolve("out"), false));
        assertMessage(more, source.toAbsolutePath() + ": ", "num_hidden_layers = 8", "layers 0..5");
        assertEquals(List.of("src"), listing(root));
    }

    @Test
    void refusesAConfigThisToolDoesNotUnderstand() throws IOException {
        Path source = Sources.llama(root.resolve("src"), DType.F32);
        Path config = source.resolve("config.json");
        Files.writeString(config, Files.readString(config).replace("\"llama\"", "\"gpt2\""));
        ConfigException e = assertThrows(ConfigException.class, () -> LayerPruner.prune(source,
                new BlockSelection(1, 1), Provenance.manual(), root.resolve("out"), false));
        assertMessage(e, config.toAbsolutePath() + ": ", "unsupported model_type \"gpt2\"");
    }

    @Test
    void refusesASourceThatIsNotTheModelTheProbeRanOn() {
        Path source = Sources.llama(root.resolve("src"), DType.F32);
        ProbeResult probe = BlockSelectionTest.probe("0123abcd");
        BlockSelection block = BlockSelection.fromProbe(probe, 2);
        CheckpointException e = assertThrows(CheckpointException.class, () -> LayerPruner.prune(source, block,
                Provenance.fromProbe(probe, block), root.resolve("out"), false));
        assertMessage(e, source.toAbsolutePath() + ": ", "is not the hash 0123abcd of the model the probe ran on");
        assertEquals(List.of("src"), listing(root));
    }

    @Test
    void refusesToWriteOverOrIntoTheSource() {
        Path source = Sources.llama(root.resolve("src"), DType.F32);
        for (Path out : List.of(source, source.resolve("pruned"), root, source.resolve("..").resolve("src"))) {
            CheckpointException e = assertThrows(CheckpointException.class, () -> LayerPruner.prune(source,
                    new BlockSelection(1, 1), Provenance.manual(), out, true), out.toString());
            assertMessage(e, out.toAbsolutePath().normalize() + ": ", "source checkpoint");
        }
        assertEquals(List.of("src"), listing(root));
        assertEquals(List.of("config.json", "manifest.json", "model.safetensors"), listing(source));
    }

    // ---------------------------------------------------------------- atomicity

    @Test
    void overwriteReplacesTheOldOutputOnlyOnceTheNewOneIsComplete() throws IOException {
        Path source = Sources.llama(root.resolve("src"), DType.F32);
        Path out = root.resolve("out");
        LayerPruner.prune(source, new BlockSelection(2, 2), Provenance.manual(), out, false);
        Files.writeString(out.resolve("stale.txt"), "from the first prune");

        assertThrows(IllegalArgumentException.class, () -> LayerPruner.prune(source, new BlockSelection(0, 6),
                Provenance.manual(), out, true));
        assertTrue(Files.exists(out.resolve("stale.txt")), "a refused prune leaves the old output alone");

        PruneReport report = LayerPruner.prune(source, new BlockSelection(0, 1), Provenance.manual(), out, true);
        assertFalse(Files.exists(out.resolve("stale.txt")));
        assertEquals(5, LlamaConfig.read(out.resolve("config.json")).numHiddenLayers());
        Manifest.read(out.resolve(Manifest.FILE_NAME)).verify(out);
        assertEquals(report.outputFiles(), listing(out));
        assertEquals(List.of("out", "src"), listing(root));
    }

    @Test
    void leavesNoTemporaryDirectoryBehindAfterSuccessOrFailure() throws IOException {
        Path source = Sources.llama(root.resolve("src"), DType.F32);
        LayerPruner.prune(source, new BlockSelection(2, 2), Provenance.manual(), root.resolve("out"), false);
        assertEquals(List.of("out", "src"), listing(root));

        // The output's parent is a file: the write fails when it creates its temporary directory.
        Files.writeString(root.resolve("file"), "x");
        assertThrows(CheckpointException.class, () -> LayerPruner.prune(source, new BlockSelection(2, 2),
                Provenance.manual(), root.resolve("file").resolve("out"), false));
        // An extra file that is a dangling link is skipped, never half-copied.
        Files.createSymbolicLink(source.resolve("tokenizer.json"), root.resolve("nowhere"));
        PruneReport report = LayerPruner.prune(source, new BlockSelection(1, 1), Provenance.manual(),
                root.resolve("out2"), false);
        assertEquals(List.of("manifest.json", "tokenizer.json"),
                report.skippedFiles().stream().map(SkippedFile::name).toList());
        assertEquals(List.of("file", "out", "out2", "src"), listing(root));
    }

    private static void assertMessage(Exception e, String prefix, String... mentions) {
        String message = e.getMessage();
        assertTrue(message.startsWith(prefix), () -> "'" + message + "' should start with " + prefix);
        for (String mention : mentions) {
            assertTrue(message.contains(mention), () -> "'" + message + "' should mention " + mention);
        }
    }
}
