package org.layerprune.allinone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.layerprune.control.view.PruningCurve;

class CurveRowTest {

    @Test
    void takesTheNamedScoreOfEveryPointOfTheControlServicesCurve() {
        PruningCurve curve = new PruningCurve("e", 5, List.of(
                new PruningCurve.Point(0, 0.0, null, scores(2.95, 0.47), scores(2.95, 0.47)),
                new PruningCurve.Point(2, 0.4, 2, scores(8.14, 1.31), scores(5.25, 0.84)),
                new PruningCurve.Point(3, 0.6, 1, scores(9.5, 1.5), Map.of())));

        List<CurveRow> rows = CurveRow.of(curve, "loss", "loss");

        assertEquals(new CurveRow(0, 0.0, OptionalInt.empty(), 2.95, 2.95), rows.get(0));
        assertEquals(new CurveRow(2, 0.4, OptionalInt.of(2), 8.14, 5.25), rows.get(1));
        assertEquals(9.5, rows.get(2).pruned());
        assertTrue(Double.isNaN(rows.get(2).healed()), "not healed yet");
    }

    /** The loss task's scores: the loss and the loss normalised by ln V. */
    private static Map<String, TreeMap<String, Double>> scores(double loss, double normalised) {
        return Map.of("loss", new TreeMap<>(Map.of("loss", loss, "normalized_loss", normalised)));
    }
}
