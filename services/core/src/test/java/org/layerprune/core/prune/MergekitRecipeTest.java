package org.layerprune.core.prune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MergekitRecipeTest {

    private static final String SOURCE = "/models/llama";

    @Test
    void keepsTheLayersBeforeAndAfterAMiddleBlockInEndExclusiveRanges() {
        assertEquals("""
                # mergekit passthrough recipe for the same cut: removes layers 3..5 of 10 (layer_range is end-exclusive)
                slices:
                  - sources:
                      - model: "/models/llama"
                        layer_range: [0, 3]
                  - sources:
                      - model: "/models/llama"
                        layer_range: [6, 10]
                merge_method: passthrough
                dtype: bfloat16
                """, MergekitRecipe.passthrough(SOURCE, new BlockSelection(3, 3), 10, Optional.of("bfloat16")));
    }

    @Test
    void leavesOutTheEmptySliceBeforeABlockAtTheStart() {
        assertEquals("""
                # mergekit passthrough recipe for the same cut: removes layers 0..1 of 10 (layer_range is end-exclusive)
                slices:
                  - sources:
                      - model: "/models/llama"
                        layer_range: [2, 10]
                merge_method: passthrough
                """, MergekitRecipe.passthrough(SOURCE, new BlockSelection(0, 2), 10, Optional.empty()));
    }

    @Test
    void leavesOutTheEmptySliceAfterABlockEndingAtTheLastLayer() {
        assertEquals("""
                # mergekit passthrough recipe for the same cut: removes layer 9 of 10 (layer_range is end-exclusive)
                slices:
                  - sources:
                      - model: "/models/llama"
                        layer_range: [0, 9]
                merge_method: passthrough
                dtype: float16
                """, MergekitRecipe.passthrough(SOURCE, new BlockSelection(9, 1), 10, Optional.of("float16")));
    }

    @Test
    void quotesPathsAndValuesSoThatYamlReadsThemBackAsWritten() {
        assertEquals("\"/a b/#c: d/\\\"e\\\"/f\\\\g/\\u0009h/\\u2028\"",
                MergekitRecipe.quoted("/a b/#c: d/\"e\"/f\\g/\th/\u2028"));
        String recipe = MergekitRecipe.passthrough("/m/- x", new BlockSelection(1, 1), 3,
                Optional.of("torch.bfloat16"));
        assertTrue(recipe.contains("model: \"/m/- x\"\n"), recipe);
        assertTrue(recipe.endsWith("dtype: \"torch.bfloat16\"\n"), recipe);
    }

    @Test
    void pyyamlReadsTheRecipeBackAsMergekitWould(@TempDir Path tmp) throws Exception {
        String source = "/models/it's a \"model\": #1 \\ ünï";
        Path file = Files.writeString(tmp.resolve("mergekit.yaml"),
                MergekitRecipe.passthrough(source, new BlockSelection(2, 3), 8, Optional.of("bfloat16")));
        Process python;
        try {
            python = new ProcessBuilder("python3", "-c", "import json, sys, yaml; "
                    + "print(json.dumps(yaml.safe_load(open(sys.argv[1], encoding='utf-8'))))", file.toString())
                    .redirectErrorStream(true).start();
        } catch (IOException e) {
            assumeTrue(false, "python3 is not available");
            return;
        }
        String out = new String(python.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(python.waitFor(60, TimeUnit.SECONDS), out);
        assumeTrue(python.exitValue() == 0 || !out.contains("No module named 'yaml'"), "PyYAML is not installed");
        assertEquals(0, python.exitValue(), out);

        JsonNode recipe = new ObjectMapper().readTree(out);
        assertEquals("passthrough", recipe.get("merge_method").asText());
        assertEquals("bfloat16", recipe.get("dtype").asText());
        assertEquals(2, recipe.get("slices").size());
        assertEquals(source.toString(), recipe.at("/slices/0/sources/0/model").asText());
        assertEquals("[0,2]", recipe.at("/slices/0/sources/0/layer_range").toString());
        assertEquals(source.toString(), recipe.at("/slices/1/sources/0/model").asText());
        assertEquals("[5,8]", recipe.at("/slices/1/sources/0/layer_range").toString());
    }
}
