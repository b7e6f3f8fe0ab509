package org.layerprune.contracts.events;

import java.util.Optional;
import java.util.OptionalInt;
import org.layerprune.contracts.artifact.ArtifactRef;

/**
 * One evaluation run on every variant.
 *
 * @param task which evaluation
 * @param data loss: JSON Lines of {@code input_ids}; mmlu: the Hendrycks data directory or a file; boolq: JSON Lines
 * @param fewshotData where few-shot examples come from (mmlu: the dev split), if not from {@code data}
 * @param shots few-shot examples; empty means the paper's (mmlu 5, boolq 0)
 * @param limit score only the first this many rows; empty means all
 */
public record EvalTaskSettings(EvalTaskName task, ArtifactRef data, Optional<ArtifactRef> fewshotData,
        OptionalInt shots, OptionalInt limit) {

    public EvalTaskSettings {
        Fields.required(task, "task");
        Fields.required(data, "data");
        Fields.required(fewshotData, "fewshotData");
        Fields.required(shots, "shots");
        Fields.required(limit, "limit");
    }

    /** {@code task} on {@code data} with the paper's shots, every row. */
    public static EvalTaskSettings of(EvalTaskName task, ArtifactRef data) {
        return new EvalTaskSettings(task, data, Optional.empty(), OptionalInt.empty(), OptionalInt.empty());
    }
}
