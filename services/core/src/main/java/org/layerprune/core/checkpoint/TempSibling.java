package org.layerprune.core.checkpoint;

import java.nio.file.Path;
import java.security.SecureRandom;

/**
 * Where a writer puts its output before the one atomic move onto the target: next to the target, so the move is a
 * rename within one file system, and hidden, so tools that list the directory skip it.
 *
 * <p>The temporary path is created by the caller with the default permissions, rather than with
 * {@code Files.createTemp*}, whose owner-only permissions would stay on the checkpoint after the move.
 */
final class TempSibling {

    private static final SecureRandom RANDOM = new SecureRandom();

    private TempSibling() {
    }

    /** {@code .<name>.tmp-<random>} in the directory of {@code target}, which must have a parent. */
    static Path of(Path target) {
        Path absolute = target.toAbsolutePath();
        return absolute.resolveSibling("." + absolute.getFileName() + ".tmp-"
                + Long.toUnsignedString(RANDOM.nextLong(), 36));
    }
}
