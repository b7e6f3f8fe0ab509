package org.layerprune.core.eval;

import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * How to run one evaluation.
 *
 * @param data        the task's data: a JSON Lines file (loss, boolq, mmlu) or Hendrycks' MMLU directory
 * @param fewshotData where shots come from when {@code data} does not hold them (MMLU's dev file in the JSON
 *                    Lines layout; BoolQ's train split, else the evaluated file itself, never a question's own)
 * @param shots       few-shot examples; empty for the task's default (MMLU 5, BoolQ 0)
 * @param limit       at most this many sequences (loss), questions per subject (mmlu, as lm-eval's --limit
 *                    applies to each subject's task) or examples (boolq)
 * @param split       MMLU's evaluated split in the Hendrycks layout: "test" or "val"
 */
public record EvalSettings(Path data, Optional<Path> fewshotData, OptionalInt shots, OptionalInt limit,
        int batchSize, BadRowPolicy badRows, String split) {

    public EvalSettings {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
        }
        if (shots.isPresent() && shots.getAsInt() < 0 || limit.isPresent() && limit.getAsInt() < 1) {
            throw new IllegalArgumentException("shots must be >= 0 and limit >= 1");
        }
    }

    /** Defaults: the task's shots, no limit, batch 8, stop at a bad row, MMLU's test split. */
    public static EvalSettings of(Path data) {
        return new EvalSettings(data, Optional.empty(), OptionalInt.empty(), OptionalInt.empty(), 8,
                BadRowPolicy.STOP, MmluData.DEFAULT_SPLIT);
    }
}
