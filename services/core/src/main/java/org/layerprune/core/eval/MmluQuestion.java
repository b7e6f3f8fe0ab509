package org.layerprune.core.eval;

import java.nio.file.Path;
import java.util.List;

/**
 * One MMLU question as read, before any prompt is made of it.
 *
 * @param subject  e.g. "high_school_physics": the file name without its split suffix, or the JSON "subject"
 * @param question as in the file (the prompt strips it, as lm-eval-harness does)
 * @param choices  the four answers A, B, C, D, as in the file
 * @param answer   the index of the correct choice, 0-3 (A-D)
 * @param file     where the question was read
 * @param line     1-based line the question's row starts on in {@code file}
 */
public record MmluQuestion(String subject, String question, List<String> choices, int answer, Path file, long line) {

    /** The choice letters, in order. */
    public static final List<String> LETTERS = List.of("A", "B", "C", "D");

    public MmluQuestion {
        choices = List.copyOf(choices);
        if (choices.size() != LETTERS.size()) {
            throw new IllegalArgumentException("an MMLU question has 4 choices, not " + choices.size());
        }
        if (answer < 0 || answer >= LETTERS.size()) {
            throw new IllegalArgumentException("answer " + answer + " is not one of 0, 1, 2, 3");
        }
    }

    /** The correct choice's letter, "A" to "D". */
    public String letter() {
        return LETTERS.get(answer);
    }
}
