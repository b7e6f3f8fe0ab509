package org.layerprune.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;

/** {@code layerprune generate} on the stories260K checkpoint. */
class GenerateCommandTest {

    /** Greedy continuation of BOS (id 1) for stories260K, from an independent implementation. */
    private static final int[] GREEDY_FROM_BOS = {461, 461, 401, 401, 401, 461, 378, 455, 473, 456, 435, 299, 362,
            409, 283, 264, 283, 452, 288, 13, 431, 431, 431, 431, 431, 431, 431, 431, 431, 431, 431, 431};

    @Test
    void continuesBosWithTheCheckpointsKnownGreedyIdsAsJson() {
        Cli.Result result = Cli.run("generate", "--model", Fixtures.stories260K().toString(),
                "--ids", "1", "--steps", "32", "--json");

        assertEquals(0, result.exitCode(), result::toString);
        JsonNode json = result.json();
        assertEquals(1, json.size(), "only \"ids\": " + json);
        assertArrayEquals(GREEDY_FROM_BOS, ids(json.get("ids")));
    }

    @Test
    void printsTheNewIdsSpaceSeparatedWithoutJson() {
        Cli.Result result = Cli.run("generate", "--model", Fixtures.stories260K().toString(),
                "--ids", "1", "--steps", "3");

        assertEquals(0, result.exitCode(), result::toString);
        assertEquals(List.of("461 461 401"), result.out().lines().toList());
    }

    static int[] ids(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false).mapToInt(JsonNode::intValue).toArray();
    }
}
