package org.layerprune.core.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The shared fixtures (../shared beside the checkout: the stories260K checkpoint and its data), found by
 * walking up from the working directory, or named by the LAYERPRUNE_SHARED environment variable.
 */
public final class Fixtures {

    private Fixtures() {
    }

    /** The shared directory, when this machine has one. */
    public static Optional<Path> shared() {
        String env = System.getenv("LAYERPRUNE_SHARED");
        if (env != null && !env.isBlank()) {
            return Optional.of(Path.of(env)).filter(Files::isDirectory);
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("shared");
            if (Files.isDirectory(candidate.resolve("models/stories260K"))) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** A path under the shared directory; the calling test is skipped where there is none. */
    public static Path require(String relative) {
        Optional<Path> shared = shared();
        assumeTrue(shared.isPresent(), "no shared fixtures (../shared) on this machine; set LAYERPRUNE_SHARED");
        Path path = shared.get().resolve(relative);
        assumeTrue(Files.exists(path), "fixture missing: " + path);
        return path;
    }

    /** The stories260K checkpoint directory. */
    public static Path stories260K() {
        return require("models/stories260K");
    }
}
