package org.layerprune.core.eval;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Applies a {@link BadRowPolicy} while a file is read: throws at a malformed row, or records it and goes on. */
final class BadRows {

    private final BadRowPolicy policy;
    private final List<SkippedRow> skipped = new ArrayList<>();

    BadRows(BadRowPolicy policy) {
        if (policy == null) {
            throw new IllegalArgumentException("a bad-row policy is required");
        }
        this.policy = policy;
    }

    /**
     * A malformed row: with {@link BadRowPolicy#STOP} this throws, with {@link BadRowPolicy#SKIP} the row is recorded
     * and the caller leaves it out.
     *
     * @throws EvalDataException naming {@code file} and {@code line}, under STOP
     */
    void reject(Path file, long line, String reason) {
        if (policy == BadRowPolicy.STOP) {
            throw new EvalDataException(file, line, reason);
        }
        skipped.add(new SkippedRow(file, line, reason));
    }

    /** The rows left out so far, in the order met. */
    List<SkippedRow> skipped() {
        return List.copyOf(skipped);
    }
}
