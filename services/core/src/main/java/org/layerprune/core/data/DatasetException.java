package org.layerprune.core.data;

import java.nio.file.Path;

/**
 * A dataset line that cannot become a sequence: malformed JSON, neither {@code text} nor {@code
 * input_ids}, a kind of line the file does not allow, or text without a tokenizer.
 *
 * <p>Unchecked because it surfaces from inside a stream; the message starts with
 * {@code file:line:} so that the line can be found and fixed.
 */
public final class DatasetException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final int line;

    DatasetException(Path file, int line, String problem) {
        this(file, line, problem, null);
    }

    DatasetException(Path file, int line, String problem, Throwable cause) {
        super(file + ":" + line + ": " + problem, cause);
        this.file = file;
        this.line = line;
    }

    /** The dataset file at fault. */
    public Path file() {
        return file;
    }

    /** The 1-based line number at fault. */
    public int line() {
        return line;
    }
}
