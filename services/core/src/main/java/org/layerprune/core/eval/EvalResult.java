package org.layerprune.core.eval;

import java.util.List;
import java.util.Map;

/**
 * One task's outcome, shaped as the {@code eval --json} contract: {"task", "n", "metrics": {...}}.
 *
 * @param n       sequences (loss) or questions (mmlu, boolq) scored
 * @param metrics "loss", "perplexity", "normalized_loss", "tokens" for loss; "accuracy" (and "per_subject",
 *                "macro_accuracy" for mmlu) for the question tasks, with what shaped the prompts
 * @param skipped malformed rows left out
 */
public record EvalResult(String task, int n, Map<String, Object> metrics, List<SkippedRow> skipped) {

    public EvalResult {
        metrics = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(metrics));
        skipped = List.copyOf(skipped);
    }
}
