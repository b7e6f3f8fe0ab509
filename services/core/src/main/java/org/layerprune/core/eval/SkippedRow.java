package org.layerprune.core.eval;

import java.nio.file.Path;

/**
 * A malformed row that was left out.
 *
 * @param line   1-based line of the row's start in {@code file}
 * @param reason what is wrong, e.g. "answer \"E\" is not one of A, B, C, D"
 */
public record SkippedRow(Path file, long line, String reason) {

    @Override
    public String toString() {
        return file + ":" + line + ": " + reason;
    }
}
