package org.layerprune.core.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToIntFunction;

/**
 * MMLU prompts exactly as lm-eval-harness's {@code mmlu} task writes them (the default variant: description, then
 * the first k dev questions of the subject, then the question). A 1-shot prompt:
 *
 * <pre>
 * The following are multiple choice questions (with answers) about high school physics.
 *
 * What is 1+1?
 * A. 1
 * B. 2
 * C. 3
 * D. 4
 * Answer: B
 *
 * What is 2+2?
 * A. 2
 * B. 3
 * C. 4
 * D. 5
 * Answer:</pre>
 *
 * <p>The continuations scored are {@code " A"}, {@code " B"}, {@code " C"} and {@code " D"}: the harness puts its
 * target delimiter, a space, between context and choice.
 */
public final class MmluPrompt {

    /** The continuations, in choice order. */
    public static final List<String> CONTINUATIONS = List.of(" A", " B", " C", " D");

    private MmluPrompt() {
    }

    /** "The following are multiple choice questions (with answers) about {subject, _ as spaces}.\n\n". */
    public static String description(String subject) {
        return "The following are multiple choice questions (with answers) about " + subject.replace('_', ' ')
                + ".\n\n";
    }

    /** The question, stripped, its four lettered choices, and "Answer:" (no trailing space). */
    public static String question(MmluQuestion q) {
        List<String> c = q.choices();
        return pythonStrip(q.question()) + "\nA. " + c.get(0) + "\nB. " + c.get(1) + "\nC. " + c.get(2) + "\nD. "
                + c.get(3) + "\nAnswer:";
    }

    /** A solved example: {@link #question}, a space, the answer's letter, and a blank line. */
    public static String shot(MmluQuestion shot) {
        return question(shot) + " " + shot.letter() + "\n\n";
    }

    /** The whole prompt: {@link #description}, each shot in order, then {@link #question}. */
    public static String context(String subject, List<MmluQuestion> shots, MmluQuestion q) {
        StringBuilder context = new StringBuilder(description(subject));
        for (MmluQuestion shot : shots) {
            context.append(shot(shot));
        }
        return context.append(question(q)).toString();
    }

    /**
     * The request for {@code q} with the first {@code shots} dev questions of its subject, in file order (the
     * harness's {@code first_n} sampler; all of them if there are fewer). While the context and its longest
     * continuation come to more than {@code maxTokens} tokens, shots are dropped from the end and counted in
     * {@link ChoiceRequest#shotsDropped()}; a prompt too long even with no shots is kept with none.
     *
     * @param dev        the dev questions of {@code q}'s subject, in file order
     * @param tokenCount tokens a text encodes to, as the model will see it
     * @param maxTokens  the model's context length
     */
    public static ChoiceRequest request(MmluQuestion q, List<MmluQuestion> dev, int shots,
            ToIntFunction<String> tokenCount, int maxTokens) {
        if (shots < 0) {
            throw new IllegalArgumentException("shots must not be negative, was " + shots);
        }
        List<MmluQuestion> chosen = new ArrayList<>(dev.subList(0, Math.min(shots, dev.size())));
        for (MmluQuestion shot : chosen) {
            if (!shot.subject().equals(q.subject())) {
                throw new IllegalArgumentException("a shot about " + shot.subject() + " (" + shot.file() + ":"
                        + shot.line() + ") for a question about " + q.subject());
            }
        }
        return FewShot.fit(q.subject(), chosen.size(), k -> context(q.subject(), chosen.subList(0, k), q),
                CONTINUATIONS, q.answer(), tokenCount, maxTokens);
    }

    /**
     * Python's {@code str.strip()}, which the harness's template calls: Java's {@link String#strip()} keeps the
     * no-break spaces U+00A0, U+2007, U+202F and NEL U+0085, which Python removes.
     */
    static String pythonStrip(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && pythonSpace(s.charAt(start))) {
            start++;
        }
        while (end > start && pythonSpace(s.charAt(end - 1))) {
            end--;
        }
        return s.substring(start, end);
    }

    private static boolean pythonSpace(char c) {
        return Character.isWhitespace(c) || c == '\u00A0' || c == '\u2007' || c == '\u202F' || c == '\u0085';
    }
}
