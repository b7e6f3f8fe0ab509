package org.layerprune.core.data;

/**
 * One non-blank line of a JSON Lines dataset, parsed but not yet tokenized: sampling keeps lines
 * and tokenizes only the chosen ones.
 */
sealed interface DatasetLine {

    /** The 1-based line number in the file. */
    int number();

    /**
     * A {@code {"text": ...}} line (the C4 layout), which needs a tokenizer.
     *
     * @param number the 1-based line number
     * @param text the document
     */
    record Text(int number, String text) implements DatasetLine {}

    /**
     * A {@code {"input_ids": [...]}} line, already tokenized.
     *
     * @param number the 1-based line number
     * @param ids the token ids
     */
    record Ids(int number, int[] ids) implements DatasetLine {}
}
