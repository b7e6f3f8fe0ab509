package org.layerprune.core.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * A {@link ChoiceRequest} in token ids, split as lm-eval-harness's {@code _encode_pair} splits it: trailing
 * whitespace of the context moves to the front of each continuation, the context is encoded alone, and a
 * continuation's ids are what encoding context + continuation adds after the context's ids. Encoding adds
 * no special tokens (the harness's default for causal models).
 *
 * @param context       the context's ids
 * @param continuations each continuation's ids
 */
record EncodedRequest(int[] context, List<int[]> continuations) {

    static EncodedRequest of(ChoiceRequest request, Function<String, int[]> encoder) {
        String context = request.context();
        int end = context.length();
        while (end > 0 && Character.isWhitespace(context.charAt(end - 1))) {
            end--;
        }
        String spaces = context.substring(end);
        context = context.substring(0, end);
        int[] contextIds = encoder.apply(context);
        List<int[]> continuations = new ArrayList<>();
        for (String continuation : request.continuations()) {
            int[] whole = encoder.apply(context + spaces + continuation);
            int[] ids = Arrays.copyOfRange(whole, Math.min(contextIds.length, whole.length), whole.length);
            if (ids.length == 0) {
                throw new IllegalArgumentException("continuation \"" + continuation + "\" encodes to no tokens after"
                        + " its context");
            }
            continuations.add(ids);
        }
        return new EncodedRequest(contextIds, continuations);
    }

    /** True when every continuation is one token: one forward pass of the context scores them all. */
    boolean singleTokenChoices() {
        return continuations.stream().allMatch(c -> c.length == 1);
    }

    /**
     * The ids the model reads to score {@code continuation}: context + continuation without its last
     * token, cut from the left to at most {@code maxTokens} (the harness's left truncation).
     */
    int[] input(int continuation, int maxTokens) {
        int[] cont = continuations.get(continuation);
        int[] all = new int[context.length + cont.length - 1];
        System.arraycopy(context, 0, all, 0, context.length);
        System.arraycopy(cont, 0, all, context.length, cont.length - 1);
        return all.length <= maxTokens ? all : Arrays.copyOfRange(all, all.length - maxTokens, all.length);
    }
}
