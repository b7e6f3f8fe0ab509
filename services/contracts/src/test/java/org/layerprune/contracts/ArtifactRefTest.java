package org.layerprune.contracts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.layerprune.contracts.artifact.ArtifactRef;
import org.layerprune.contracts.artifact.OutsideArtifactRootException;

class ArtifactRefTest {

    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"/etc/passwd", "../outside", "models/../../etc", "models/./x", "models//x", "models/",
            "", "models\\x", "C:/models", "models/x y", "."})
    void refusesRefsThatAreNotPlainRelativePaths(String path) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ArtifactRef.of(path));

        assertTrue(e.getMessage().contains("\"" + path + "\""), e.getMessage());
    }

    @Test
    void acceptsDotsInsideNames() {
        assertEquals("models/Qwen2-0.5B/...v2", ArtifactRef.of("models/Qwen2-0.5B/...v2").path());
    }

    @Test
    void resolvesAnExistingDirectoryUnderTheRoot() throws IOException {
        Path root = Files.createDirectories(tmp.resolve("artifacts"));
        Path model = Files.createDirectories(root.resolve("models/stories260K"));

        assertEquals(model.toRealPath(), ArtifactRef.of("models/stories260K").resolve(root));
    }

    @Test
    void resolvesAnOutputThatDoesNotExistYet() throws IOException {
        Path root = Files.createDirectories(tmp.resolve("artifacts"));

        Path out = ArtifactRef.of("experiments/demo/variants/demo-n2-pruned").resolve(root);

        assertEquals(root.toRealPath().resolve("experiments/demo/variants/demo-n2-pruned"), out);
    }

    @Test
    void followsASymbolicLinkThatStaysInsideTheRoot() throws IOException {
        Path root = Files.createDirectories(tmp.resolve("artifacts"));
        Path model = Files.createDirectories(root.resolve("models/stories260K"));
        Files.createSymbolicLink(root.resolve("latest"), model);

        assertEquals(model.toRealPath(), ArtifactRef.of("latest").resolve(root));
    }

    @Test
    void refusesASymbolicLinkThatEscapesTheRoot() throws IOException {
        Path root = Files.createDirectories(tmp.resolve("artifacts"));
        Path outside = Files.createDirectories(tmp.resolve("secrets"));
        Files.createDirectories(root.resolve("models"));
        Files.createSymbolicLink(root.resolve("models/linked"), outside);

        OutsideArtifactRootException e = assertThrows(OutsideArtifactRootException.class,
                () -> ArtifactRef.of("models/linked/config.json").resolve(root));

        assertTrue(e.getMessage().contains("models/linked/config.json"), e.getMessage());
        assertTrue(e.getMessage().contains("symbolic link"), e.getMessage());
    }

    @Test
    void refusesADanglingSymbolicLinkThatCouldBeCreatedOutside() throws IOException {
        Path root = Files.createDirectories(tmp.resolve("artifacts"));
        Files.createSymbolicLink(root.resolve("out"), tmp.resolve("not-yet"));

        assertThrows(OutsideArtifactRootException.class, () -> ArtifactRef.of("out/checkpoint").resolve(root));
    }

    @Test
    void refOfAPathUnderTheRootIsItsRelativePath() {
        Path root = tmp.resolve("artifacts");

        assertEquals("experiments/demo/adapters", ArtifactRef.of(root, root.resolve("experiments/demo/adapters"))
                .path());
        assertThrows(IllegalArgumentException.class, () -> ArtifactRef.of(root, tmp.resolve("elsewhere")));
        assertThrows(IllegalArgumentException.class, () -> ArtifactRef.of(root, root));
    }
}
