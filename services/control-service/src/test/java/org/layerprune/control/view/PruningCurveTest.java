package org.layerprune.control.view;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.layerprune.contracts.events.VariantStage;
import org.layerprune.control.ExperimentEvents;

class PruningCurveTest {

    @Test
    void givesEveryBlockSizesFractionLStarAndScoresBeforeAndAfterHealing() {
        ExperimentView view = ExperimentView.empty("curve");
        ExperimentEvents.finished("curve", 1, 2, 4).forEach(view::apply);

        PruningCurve curve = PruningCurve.of(view);

        assertEquals(5, curve.layers());
        assertEquals(List.of(0, 1, 2, 4), curve.points().stream().map(PruningCurve.Point::n).toList());
        for (PruningCurve.Point point : curve.points()) {
            int n = point.n();
            assertEquals(n / 5.0, point.fraction());
            assertEquals(ExperimentEvents.loss(n, VariantStage.PRUNED), point.pruned().get("loss").get("loss"));
            assertEquals(ExperimentEvents.loss(n, n == 0 ? VariantStage.PRUNED : VariantStage.HEALED),
                    point.healed().get("loss").get("loss"));
            assertEquals(Math.exp(ExperimentEvents.loss(n, VariantStage.PRUNED)),
                    point.pruned().get("loss").get("perplexity"), 1e-12);
            if (n == 0) {
                assertNull(point.lStar());
            } else {
                assertEquals(1, point.lStar());
            }
        }
    }

    @Test
    void hasAPointForEveryExpectedBlockSizeBeforeItIsEvaluated() {
        ExperimentView view = ExperimentView.empty("early").apply(ExperimentEvents.probed("early", 2, 3));

        PruningCurve curve = PruningCurve.of(view);

        assertEquals(List.of(0, 2, 3), curve.points().stream().map(PruningCurve.Point::n).toList());
        assertTrue(curve.points().get(1).pruned().isEmpty());
        assertEquals(0.4, curve.points().get(1).fraction());
    }
}
