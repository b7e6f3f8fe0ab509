package org.layerprune.core.data;

import java.util.Arrays;

/**
 * One sequence of token ids and the line of the dataset file it came from, so that a calibration
 * set can be reported and reproduced line by line.
 *
 * <p>The array is shared, not copied: calibration sets can be large. Equality compares the line
 * and the ids' contents.
 *
 * @param line the 1-based line number in the file
 * @param ids the token ids, special tokens included
 */
public record Sequence(int line, int[] ids) {

    @Override
    public boolean equals(Object other) {
        return other instanceof Sequence that && line == that.line && Arrays.equals(ids, that.ids);
    }

    @Override
    public int hashCode() {
        return 31 * Integer.hashCode(line) + Arrays.hashCode(ids);
    }

    @Override
    public String toString() {
        return "Sequence[line=" + line + ", ids=" + Arrays.toString(ids) + "]";
    }
}
