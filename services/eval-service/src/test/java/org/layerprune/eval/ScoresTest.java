package org.layerprune.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.layerprune.contracts.events.EvalTaskName;
import org.layerprune.contracts.events.ScoreMetric;
import org.layerprune.contracts.events.TaskScore;
import org.layerprune.core.eval.EvalResult;

class ScoresTest {

    @Test
    void mmluReportsMicroAndMacroAccuracyOverItsQuestions() {
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("accuracy", 0.5);
        metrics.put("macro_accuracy", 0.25);
        metrics.put("per_subject", Map.of("anatomy", 0.25));
        metrics.put("shots", 5);

        assertEquals(List.of(new TaskScore(EvalTaskName.MMLU, ScoreMetric.ACCURACY, 0.5, 40),
                        new TaskScore(EvalTaskName.MMLU, ScoreMetric.MACRO_ACCURACY, 0.25, 40)),
                Scores.of(EvalTaskName.MMLU, new EvalResult("mmlu", 40, metrics, List.of())));
    }

    @Test
    void aResultWithNoMetricOfTheContractIsABug() {
        EvalResult result = new EvalResult("boolq", 3, Map.of("shots", 0), List.of());

        assertThrows(IllegalStateException.class, () -> Scores.of(EvalTaskName.BOOLQ, result));
    }
}
