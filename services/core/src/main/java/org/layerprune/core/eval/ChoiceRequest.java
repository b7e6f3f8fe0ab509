package org.layerprune.core.eval;

import java.util.List;

/**
 * One multiple-choice question as lm-eval-harness poses it to a language model: a context and the
 * continuations to compare by log-likelihood, e.g. a 5-shot MMLU prompt ending in "Answer:" and the
 * continuations " A", " B", " C", " D".
 *
 * @param group         what the question is reported under (the MMLU subject; the task name otherwise)
 * @param context       the prompt
 * @param continuations the choices, each with its leading space, as the harness's target delimiter adds
 * @param gold          the index of the correct continuation
 * @param shotsDropped  few-shot examples left out so the prompt fits the model's context
 */
public record ChoiceRequest(String group, String context, List<String> continuations, int gold, int shotsDropped) {

    public ChoiceRequest {
        continuations = List.copyOf(continuations);
        if (continuations.size() < 2) {
            throw new IllegalArgumentException("a question needs at least two choices");
        }
        if (gold < 0 || gold >= continuations.size()) {
            throw new IllegalArgumentException("gold answer " + gold + " is not one of " + continuations.size()
                    + " choices");
        }
    }
}
