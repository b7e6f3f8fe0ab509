package org.layerprune.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code layerprune logits} on the stories260K checkpoint. */
class LogitsCommandTest {

    private static final int VOCAB = 512;

    /** The greedy first step from BOS (id 1) for stories260K. */
    private static final int FIRST_ID_AFTER_BOS = 461;

    @Test
    void printsOneRowOfVocabSizeLogitsPerPositionAsJson() {
        Cli.Result result = Cli.run("logits", "--model", Fixtures.stories260K().toString(), "--ids", "1,2,3", "--json");

        assertEquals(0, result.exitCode(), result::toString);
        JsonNode json = result.json();
        assertEquals(List.of("logits"), fieldNames(json));
        JsonNode rows = json.get("logits");
        assertEquals(3, rows.size(), "one row per position");
        for (JsonNode row : rows) {
            assertEquals(VOCAB, row.size());
            row.forEach(logit -> assertTrue(logit.isNumber() && Double.isFinite(logit.doubleValue()), logit::toString));
        }
        assertEquals(FIRST_ID_AFTER_BOS, argmax(rows.get(0)));
    }

    @Test
    void printsAHeaderAndOneTopFiveRowPerPositionWithoutJson() {
        Cli.Result result = Cli.run("logits", "--model", Fixtures.stories260K().toString(), "--ids", "1,2,3");

        assertEquals(0, result.exitCode(), result::toString);
        List<String> lines = result.out().lines().toList();
        assertEquals(4, lines.size(), result::toString);
        assertTrue(lines.get(0).matches("position +id +top 5 next ids \\(logit\\)"), lines.get(0));
        int[] ids = {1, 2, 3};
        for (int p = 0; p < ids.length; p++) {
            // "position  id  id (logit)  id (logit) ..." with five candidates, best first
            String[] cells = lines.get(p + 1).trim().split(" +");
            assertEquals(2 + 2 * 5, cells.length, lines.get(p + 1));
            assertEquals(String.valueOf(p), cells[0]);
            assertEquals(String.valueOf(ids[p]), cells[1]);
        }
        assertEquals(String.valueOf(FIRST_ID_AFTER_BOS), lines.get(1).trim().split(" +")[2]);
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static int argmax(JsonNode row) {
        int best = 0;
        for (int i = 1; i < row.size(); i++) {
            if (row.get(i).doubleValue() > row.get(best).doubleValue()) {
                best = i;
            }
        }
        return best;
    }
}
