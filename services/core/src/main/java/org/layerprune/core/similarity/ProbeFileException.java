package org.layerprune.core.similarity;

import java.nio.file.Path;

/**
 * A probe file that cannot be read, written or trusted: unreadable bytes, malformed JSON, or JSON that breaks the
 * contract of {@link ProbeJson}.
 *
 * <p>The message starts with {@code file: field:} (or just {@code file:} when no one field is at fault), so the
 * value can be found and fixed; {@link #field()} names it as a path such as {@code distances.2[3]}.
 */
public final class ProbeFileException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final String field;

    ProbeFileException(Path file, String field, String problem) {
        this(file, field, problem, null);
    }

    ProbeFileException(Path file, String field, String problem, Throwable cause) {
        super(file + ": " + (field == null ? "" : field + ": ") + problem, cause);
        this.file = file;
        this.field = field;
    }

    /** The file at fault. */
    public Path file() {
        return file;
    }

    /** The field at fault, e.g. {@code best.3} or {@code distances.2[1]}; null when the whole file is. */
    public String field() {
        return field;
    }
}
