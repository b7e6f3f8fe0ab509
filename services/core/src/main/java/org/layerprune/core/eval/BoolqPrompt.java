package org.layerprune.core.eval;

import java.util.List;
import java.util.function.ToIntFunction;

/**
 * BoolQ prompts exactly as lm-eval-harness's {@code boolq} task (SuperGLUE) writes them: no description, the
 * passage, then the question:
 *
 * <pre>
 * {passage}
 * Question: {question}?
 * Answer:</pre>
 *
 * <p>The continuations scored are {@code " no"} and {@code " yes"}, in that order, so the gold index is 1 when the
 * answer is true. The paper reports 0-shot; shots are optional. The harness draws them at random (seed 1234) from
 * the train split; here they are the first k of a list the caller gives, so a caller that wants the harness's shots
 * passes them in the harness's order.
 */
public final class BoolqPrompt {

    /** The task's name, and the group every request is reported under. */
    public static final String GROUP = "boolq";

    /** The continuations: index 0 is "no" (false), index 1 is "yes" (true). */
    public static final List<String> CONTINUATIONS = List.of(" no", " yes");

    private BoolqPrompt() {
    }

    /** passage + "\nQuestion: " + question + "?\nAnswer:". */
    public static String question(BoolqExample e) {
        return e.passage() + "\nQuestion: " + e.question() + "?\nAnswer:";
    }

    /** A solved example: {@link #question}, a space, "yes" or "no", and a blank line. */
    public static String shot(BoolqExample shot) {
        return question(shot) + " " + (shot.answer() ? "yes" : "no") + "\n\n";
    }

    /** The whole prompt: each shot in order, then {@link #question}. */
    public static String context(List<BoolqExample> shots, BoolqExample e) {
        StringBuilder context = new StringBuilder();
        for (BoolqExample shot : shots) {
            context.append(shot(shot));
        }
        return context.append(question(e)).toString();
    }

    /** The index of the correct continuation: 1 ("yes") when the answer is true. */
    public static int gold(BoolqExample e) {
        return e.answer() ? 1 : 0;
    }

    /**
     * The request for {@code e} with the first {@code shots} examples of {@code shotPool} (all of them if there are
     * fewer), leaving out {@code e} itself as the harness does when shots and questions share a split. Shots are
     * dropped from the end while the prompt does not fit, as {@link MmluPrompt#request} does.
     *
     * @param tokenCount tokens a text encodes to, as the model will see it
     * @param maxTokens  the model's context length
     */
    public static ChoiceRequest request(BoolqExample e, List<BoolqExample> shotPool, int shots,
            ToIntFunction<String> tokenCount, int maxTokens) {
        if (shots < 0) {
            throw new IllegalArgumentException("shots must not be negative, was " + shots);
        }
        List<BoolqExample> chosen = shotPool.stream().filter(shot -> !shot.equals(e)).limit(shots).toList();
        return FewShot.fit(GROUP, chosen.size(), k -> context(chosen.subList(0, k), e), CONTINUATIONS, gold(e),
                tokenCount, maxTokens);
    }
}
