package org.layerprune.core.eval;

import java.util.List;
import java.util.function.IntFunction;
import java.util.function.ToIntFunction;

/** Fits a few-shot prompt into a model's context by leaving out shots from the end. */
final class FewShot {

    private FewShot() {
    }

    /**
     * The request with as many of the {@code available} shots as fit: while the context and its longest continuation
     * (in tokens) come to more than {@code maxTokens}, the last shot is dropped. If even the 0-shot prompt is too long
     * it is kept as it is; the scorer decides what to do with it.
     *
     * @param contextWith the context made with the first k shots, for k from {@code available} down to 0
     * @param tokenCount  how many tokens a text encodes to (as the model's tokenizer sees it)
     */
    static ChoiceRequest fit(String group, int available, IntFunction<String> contextWith, List<String> continuations,
            int gold, ToIntFunction<String> tokenCount, int maxTokens) {
        if (maxTokens < 1) {
            throw new IllegalArgumentException("maxTokens must be at least 1, was " + maxTokens);
        }
        int kept = available;
        String context = contextWith.apply(kept);
        while (kept > 0 && longest(context, continuations, tokenCount) > maxTokens) {
            kept--;
            context = contextWith.apply(kept);
        }
        return new ChoiceRequest(group, context, continuations, gold, available - kept);
    }

    /** Tokens in context + continuation for the continuation that makes the most. */
    private static int longest(String context, List<String> continuations, ToIntFunction<String> tokenCount) {
        int most = 0;
        for (String continuation : continuations) {
            most = Math.max(most, tokenCount.applyAsInt(context + continuation));
        }
        return most;
    }
}
