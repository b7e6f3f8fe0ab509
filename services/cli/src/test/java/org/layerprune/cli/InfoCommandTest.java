package org.layerprune.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** {@code layerprune info} on the stories260K checkpoint. */
class InfoCommandTest {

    /** The --json contract for stories260K, key by key. */
    private static final Map<String, Object> STORIES_INFO = new LinkedHashMap<>();

    static {
        STORIES_INFO.put("model_type", "llama");
        STORIES_INFO.put("layers", 5);
        STORIES_INFO.put("hidden_size", 64);
        STORIES_INFO.put("heads", 8);
        STORIES_INFO.put("kv_heads", 4);
        STORIES_INFO.put("vocab_size", 512);
        STORIES_INFO.put("parameters", 260032);
    }

    @Test
    void printsExactlyTheShapeContractAsJson() {
        Cli.Result result = Cli.run("info", "--model", Fixtures.stories260K().toString(), "--json");

        assertEquals(0, result.exitCode(), result::toString);
        JsonNode info = result.json();
        Set<String> keys = new TreeSet<>();
        info.fieldNames().forEachRemaining(keys::add);
        assertEquals(new TreeSet<>(STORIES_INFO.keySet()), keys);
        assertEquals("llama", info.get("model_type").asText());
        for (String key : List.of("layers", "hidden_size", "heads", "kv_heads", "vocab_size", "parameters")) {
            assertTrue(info.get(key).isIntegralNumber(), key + " is not an integer: " + info.get(key));
            assertEquals(((Integer) STORIES_INFO.get(key)).longValue(), info.get(key).longValue(), key);
        }
        assertEquals("", result.err());
    }

    @Test
    void printsOneReadableLinePerFieldWithoutJson() {
        Cli.Result result = Cli.run("info", "--model", Fixtures.stories260K().toString());

        assertEquals(0, result.exitCode(), result::toString);
        List<String> lines = result.out().lines().toList();
        assertEquals(STORIES_INFO.size(), lines.size(), result::toString);
        int i = 0;
        for (Map.Entry<String, Object> field : STORIES_INFO.entrySet()) {
            // "label  value", the labels padded into one column
            assertTrue(lines.get(i).matches(field.getKey() + " +" + field.getValue()),
                    "line " + i + " is \"" + lines.get(i) + "\", expected " + field);
            i++;
        }
    }
}
