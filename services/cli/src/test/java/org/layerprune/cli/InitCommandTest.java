package org.layerprune.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code layerprune init} of the tiny Qwen2 config, in bfloat16 and two shards, then read back by the CLI. */
class InitCommandTest {

    /*
     * Parameters of TinyCheckpoint.QWEN2_CONFIG: H 32, I 64, V 64, N 4 heads of D = 32 / 4 = 8, K 2 kv heads,
     * so N*D = 32 and K*D = 16. transformers' num_parameters() counts a tied lm_head once:
     *   embed_tokens                             V x H                                 64 * 32 =  2,048
     *   each layer:
     *     input_ and post_attention_layernorm    2 x H                                  2 * 32 =     64
     *     q_proj weight and bias                 N*D x H + N*D                    32 * 32 + 32 =  1,056
     *     k_proj and v_proj, weights and biases  2 x (K*D x H + K*D)        2 * (16 * 32 + 16) =  1,056
     *     o_proj (Qwen2: no bias)                H x N*D                               32 * 32 =  1,024
     *     gate_, up_ and down_proj               3 x I x H                         3 * 64 * 32 =  6,144
     *                                                                                one layer =  9,344
     *   2 layers                                                                     2 * 9,344 = 18,688
     *   norm                                     H                                          32 =     32
     *   lm_head                                  tied: not counted again                       =      0
     *                                                                                    total = 20,768
     */
    private static final long TINY_QWEN2_PARAMETERS = 2_048 + 2 * 9_344 + 32;

    /*
     * In bfloat16 the tensors take 2 * 20,768 = 41,536 bytes. With 30 KB (30,000 bytes) per shard the greedy
     * in-order split closes the first shard inside layer 1 (29,184 bytes) and puts the remaining 12,352 bytes
     * into a second.
     */
    private static final String TWO_SHARDS = "30KB";

    @TempDir
    static Path tmp;

    private static Path model;

    @BeforeAll
    static void init() throws IOException {
        model = TinyCheckpoint.init(tmp, "tiny-qwen2", "--dtype", "BF16", "--max-shard-size", TWO_SHARDS);
    }

    @Test
    void writesABf16ConfigAShardIndexTwoShardsAndAManifest() throws IOException {
        assertEquals(Set.of("config.json", "model.safetensors.index.json", "model-00001-of-00002.safetensors",
                "model-00002-of-00002.safetensors", "manifest.json"), fileNames(model));
        ObjectMapper json = new ObjectMapper();
        assertEquals("bfloat16", json.readTree(model.resolve("config.json").toFile()).get("torch_dtype").asText());
        JsonNode index = json.readTree(model.resolve("model.safetensors.index.json").toFile());
        assertEquals(2 * TINY_QWEN2_PARAMETERS, index.get("metadata").get("total_size").longValue());
        Set<String> shardsInIndex = new TreeSet<>();
        index.get("weight_map").forEach(file -> shardsInIndex.add(file.asText()));
        assertEquals(Set.of("model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors"), shardsInIndex);
        JsonNode manifest = json.readTree(model.resolve("manifest.json").toFile()).get("files");
        Set<String> listed = new TreeSet<>();
        manifest.fieldNames().forEachRemaining(listed::add);
        Set<String> others = new TreeSet<>(fileNames(model));
        others.remove("manifest.json");
        assertEquals(others, listed, "the manifest lists every other file");
    }

    @Test
    void infoCountsTheParametersOfTheConfigsShapes() {
        Cli.Result result = Cli.run("info", "--model", model.toString(), "--json");

        assertEquals(0, result.exitCode(), result::toString);
        JsonNode info = result.json();
        assertEquals("qwen2", info.get("model_type").asText());
        assertEquals(2, info.get("layers").intValue());
        assertEquals(32, info.get("hidden_size").intValue());
        assertEquals(4, info.get("heads").intValue());
        assertEquals(2, info.get("kv_heads").intValue());
        assertEquals(64, info.get("vocab_size").intValue());
        assertEquals(TINY_QWEN2_PARAMETERS, info.get("parameters").longValue());
    }

    @Test
    void generateRunsOnTheWrittenCheckpoint() {
        Cli.Result result = Cli.run("generate", "--model", model.toString(), "--ids", "1,2", "--steps", "3", "--json");

        assertEquals(0, result.exitCode(), result::toString);
        int[] ids = GenerateCommandTest.ids(result.json().get("ids"));
        assertEquals(3, ids.length);
        for (int id : ids) {
            assertTrue(id >= 0 && id < 64, "id " + id + " outside the vocabulary of 64");
        }
    }

    private static Set<String> fileNames(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            Set<String> names = new TreeSet<>();
            files.forEach(file -> names.add(file.getFileName().toString()));
            return names;
        }
    }
}
