package org.layerprune.contracts.events;

/**
 * One number an evaluation reported.
 *
 * @param task the evaluation
 * @param metric what the number is
 * @param value the number
 * @param count sequences (loss) or questions scored
 */
public record TaskScore(EvalTaskName task, ScoreMetric metric, double value, int count) {

    public TaskScore {
        Fields.required(task, "task");
        Fields.required(metric, "metric");
    }
}
