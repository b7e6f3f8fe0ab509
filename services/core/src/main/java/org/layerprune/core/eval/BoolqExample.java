package org.layerprune.core.eval;

import java.nio.file.Path;

/**
 * One BoolQ example as read.
 *
 * @param question as in the file, e.g. "is france the same timezone as the uk" (no question mark: the prompt adds it)
 * @param passage  the paragraph that answers it
 * @param answer   the gold answer: SuperGLUE's {@code label} 1 or the original's {@code answer} true
 * @param file     where the example was read
 * @param line     1-based line of the example in {@code file}
 */
public record BoolqExample(String question, String passage, boolean answer, Path file, long line) {
}
