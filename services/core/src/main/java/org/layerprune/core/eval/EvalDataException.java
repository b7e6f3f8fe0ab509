package org.layerprune.core.eval;

import java.nio.file.Path;

/** An evaluation file cannot be used; the message names the file and, where one is at fault, the line. */
public final class EvalDataException extends RuntimeException {

    private final transient Path file;
    private final long line;

    /** @param line 1-based, or 0 when the problem is the file as a whole */
    public EvalDataException(Path file, long line, String problem) {
        super(file + (line > 0 ? ":" + line : "") + ": " + problem);
        this.file = file;
        this.line = line;
    }

    public Path file() {
        return file;
    }

    public long line() {
        return line;
    }
}
