package org.layerprune.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every failure is reported on stderr, names what is at fault, prints nothing on stdout (other tools parse
 * it) and exits non-zero: 1 for bad input, picocli's 2 for a bad command line.
 */
class CommandErrorsTest {

    private static final int USAGE = 2;

    @TempDir
    Path tmp;

    @Test
    void rejectsADirectoryThatIsNotACheckpoint() throws IOException {
        Path notACheckpoint = Files.createDirectory(tmp.resolve("just-a-folder"));

        Cli.Result result = Cli.run("info", "--model", notACheckpoint.toString(), "--json");

        assertFailed(Layerprune.FAILED, result, notACheckpoint.toString(), "no config.json",
                "not a Hugging Face checkpoint");
    }

    @Test
    void namesTheRequiredKeyMissingFromACheckpointsConfig() throws IOException {
        Path stories = Fixtures.stories260K();
        Path broken = Files.createDirectory(tmp.resolve("no-intermediate-size"));
        Files.copy(stories.resolve("model.safetensors"), broken.resolve("model.safetensors"));
        String config = Files.readString(stories.resolve("config.json"));
        String withoutKey = config.replaceAll("\"intermediate_size\": *\\d+,", "");
        assertFalse(withoutKey.equals(config), "the fixture's config.json should have intermediate_size");
        Files.writeString(broken.resolve("config.json"), withoutKey);

        Cli.Result result = Cli.run("info", "--model", broken.toString());

        assertFailed(Layerprune.FAILED, result, broken.resolve("config.json").toString(),
                "missing required key \"intermediate_size\"");
    }

    @Test
    void namesAnUnknownModelType() throws IOException {
        Path config = TinyCheckpoint.writeConfig(tmp, "gpt2.json",
                TinyCheckpoint.QWEN2_CONFIG.replace("\"qwen2\"", "\"gpt2\""));
        Path out = tmp.resolve("gpt2");

        Cli.Result result = Cli.run("init", "--config", config.toString(), "--out", out.toString());

        assertFailed(Layerprune.FAILED, result, "unsupported model_type \"gpt2\"", "llama, mistral, qwen2");
        assertFalse(Files.exists(out), "nothing is written");
    }

    @Test
    void rejectsTokenIdsThatAreNotNumbers() {
        Cli.Result result = Cli.run("logits", "--model", Fixtures.stories260K().toString(), "--ids", "1,two,3");

        assertFailed(Layerprune.FAILED, result, "--ids", "\"1,two,3\"");
    }

    @Test
    void namesATokenIdOutsideTheVocabulary() {
        Cli.Result result = Cli.run("generate", "--model", Fixtures.stories260K().toString(), "--ids", "1,512");

        assertFailed(Layerprune.FAILED, result, "token id 512", "[0, 512)");
    }

    @Test
    void refusesF64AsAnInitDtype() throws IOException {
        Path config = TinyCheckpoint.writeConfig(tmp, "config.json", TinyCheckpoint.QWEN2_CONFIG);
        Path out = tmp.resolve("f64");

        Cli.Result result = Cli.run("init", "--config", config.toString(), "--dtype", "F64", "--out", out.toString());

        assertFailed(Layerprune.FAILED, result, "--dtype", "F32 or BF16", "\"F64\"");
        assertFalse(Files.exists(out), "nothing is written");
    }

    @Test
    void blamesABadShardSizeOnTheOptionNotOnTheConfig() throws IOException {
        Path config = TinyCheckpoint.writeConfig(tmp, "config.json", TinyCheckpoint.QWEN2_CONFIG);

        Cli.Result result = Cli.run("init", "--config", config.toString(), "--max-shard-size", "lots",
                "--out", tmp.resolve("out").toString());

        assertFailed(Layerprune.FAILED, result, "--max-shard-size", "\"lots\"");
        assertFalse(result.err().contains(config.toString()), "the config is fine: " + result.err());
    }

    @Test
    void refusesToInitIntoAnExistingDirectory() throws IOException {
        Path config = TinyCheckpoint.writeConfig(tmp, "config.json", TinyCheckpoint.QWEN2_CONFIG);
        Path existing = Files.createDirectory(tmp.resolve("existing"));
        Path keep = Files.writeString(existing.resolve("keep.txt"), "mine");

        Cli.Result result = Cli.run("init", "--config", config.toString(), "--out", existing.toString());

        assertFailed(Layerprune.FAILED, result, existing.toString(), "already exists");
        assertEquals("mine", Files.readString(keep), "the directory is left as it was");
        try (var files = Files.list(existing)) {
            assertEquals(1, files.count(), "the directory is left as it was");
        }
    }

    @Test
    void reportsAMissingRequiredOptionAsAUsageError() {
        Cli.Result result = Cli.run("logits", "--ids", "1,2,3");

        assertFailed(USAGE, result, "Missing required option", "--model");
        assertTrue(result.err().contains("Usage:"), "usage help follows the message: " + result.err());
    }

    /** Exit code {@code exitCode}, nothing on stdout, and every fragment somewhere on stderr. */
    private static void assertFailed(int exitCode, Cli.Result result, String... fragments) {
        assertEquals(exitCode, result.exitCode(), result::toString);
        assertEquals("", result.out(), "stdout stays empty on failure");
        for (String fragment : fragments) {
            assertTrue(result.err().contains(fragment), "stderr should name " + fragment + ":\n" + result.err());
        }
    }
}
