package org.layerprune.cli;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The shared stories260K checkpoint and its calibration data, found by walking up from the working directory for
 * {@code shared/models/stories260K}, or under the directory named by the LAYERPRUNE_SHARED environment variable.
 * A test that needs it is skipped, not failed, on a machine without it.
 */
final class Fixtures {

    private static final String STORIES = "models/stories260K";

    /** 256 lines of {@code {"input_ids": [...]}}, 128 ids each, sampled from stories260K itself. */
    private static final String STORIES_CALIBRATION = "data/stories260K/calib.jsonl";

    /** 64 lines of {@code {"input_ids": [...]}}, 128 ids each, held out from stories260K's calibration data. */
    private static final String STORIES_EVAL = "data/stories260K/eval.jsonl";

    private Fixtures() {
    }

    /** The stories260K checkpoint directory; the calling test is skipped where there is none. */
    static Path stories260K() {
        Optional<Path> dir = shared().map(shared -> shared.resolve(STORIES)).filter(Files::isDirectory);
        assumeTrue(dir.isPresent(), "no shared/" + STORIES + " above " + Path.of("").toAbsolutePath()
                + " and none under $LAYERPRUNE_SHARED: skipping the tests that run the CLI on stories260K");
        return dir.get();
    }

    /** The stories260K calibration set; the calling test is skipped where there is none. */
    static Path stories260KCalibration() {
        Optional<Path> file = shared().map(shared -> shared.resolve(STORIES_CALIBRATION)).filter(Files::isRegularFile);
        assumeTrue(file.isPresent(), "no shared/" + STORIES_CALIBRATION + " above " + Path.of("").toAbsolutePath()
                + " and none under $LAYERPRUNE_SHARED: skipping the tests that probe stories260K");
        return file.get();
    }

    /** The stories260K evaluation set; the calling test is skipped where there is none. */
    static Path stories260KEval() {
        Optional<Path> file = shared().map(shared -> shared.resolve(STORIES_EVAL)).filter(Files::isRegularFile);
        assumeTrue(file.isPresent(), "no shared/" + STORIES_EVAL + " above " + Path.of("").toAbsolutePath()
                + " and none under $LAYERPRUNE_SHARED: skipping the tests that evaluate stories260K");
        return file.get();
    }

    private static Optional<Path> shared() {
        String env = System.getenv("LAYERPRUNE_SHARED");
        if (env != null && !env.isBlank()) {
            return Optional.of(Path.of(env));
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve("shared").resolve(STORIES))) {
                return Optional.of(dir.resolve("shared"));
            }
        }
        return Optional.empty();
    }
}
