package org.layerprune.eval;

import java.util.ArrayList;
import java.util.List;
import org.layerprune.contracts.events.EvalTaskName;
import org.layerprune.contracts.events.ScoreMetric;
import org.layerprune.contracts.events.TaskScore;
import org.layerprune.core.eval.EvalResult;

/** core's result of one task as the contract's scores: every metric the contract names that the result reports. */
final class Scores {

    private Scores() {
    }

    static List<TaskScore> of(EvalTaskName task, EvalResult result) {
        List<TaskScore> scores = new ArrayList<>();
        for (ScoreMetric metric : ScoreMetric.values()) {
            if (result.metrics().get(metric.wireName()) instanceof Number value) {
                scores.add(new TaskScore(task, metric, value.doubleValue(), result.n()));
            }
        }
        if (scores.isEmpty()) {
            throw new IllegalStateException(task.wireName() + " reported none of the contract's metrics: "
                    + result.metrics().keySet());
        }
        return scores;
    }
}
