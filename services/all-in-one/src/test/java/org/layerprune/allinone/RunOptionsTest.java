package org.layerprune.allinone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RunOptionsTest {

    @Test
    void readsEveryFlag() {
        RunOptions options = RunOptions.parse("--model", "/m/tiny", "--data", "/d/tiny", "--steps", "7",
                "--artifact-root", "/a/root", "--exit");

        assertEquals(new RunOptions(Optional.of(Path.of("/m/tiny")), Optional.of(Path.of("/d/tiny")), 7,
                Path.of("/a/root"), true), options);
    }

    @Test
    void keepsServingAndHealsTheDefaultStepsWithoutFlags() {
        RunOptions options = RunOptions.parse();

        assertFalse(options.exit());
        assertEquals(RunOptions.DEFAULT_STEPS, options.steps());
        assertTrue(options.artifactRoot().isAbsolute());
    }

    @Test
    void refusesUnknownFlagsMissingValuesAndStepsBelowOne() {
        assertEquals("unknown option --model-dir",
                assertThrows(RunOptions.UsageException.class, () -> RunOptions.parse("--model-dir", "x")).getMessage());
        assertEquals("--steps needs a value", assertThrows(RunOptions.UsageException.class,
                () -> RunOptions.parse("--steps", "--exit")).getMessage());
        assertEquals("--steps 0 is not a positive whole number",
                assertThrows(RunOptions.UsageException.class, () -> RunOptions.parse("--steps", "0")).getMessage());
    }
}
