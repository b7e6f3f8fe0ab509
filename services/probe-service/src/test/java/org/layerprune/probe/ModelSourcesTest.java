package org.layerprune.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.layerprune.contracts.events.HuggingFaceModel;
import org.layerprune.stage.ArtifactNotFoundException;
import org.layerprune.stage.ArtifactRoot;

/** Hugging Face models come from the hub cache under the artifact root, never from the network. */
class ModelSourcesTest {

    private static final String COMMIT = "0123456789abcdef0123456789abcdef01234567";

    @TempDir
    Path tmp;

    private ArtifactRoot root;
    private Path snapshot;

    @BeforeEach
    void cacheOneSnapshot() throws IOException {
        root = new ArtifactRoot(tmp);
        Path repo = Files.createDirectories(root.dir().resolve("hf-cache/models--karpathy--stories260K"));
        Files.createDirectories(repo.resolve("refs"));
        Files.writeString(repo.resolve("refs/main"), COMMIT + "\n");
        snapshot = Files.createDirectories(repo.resolve("snapshots/" + COMMIT));
        Files.writeString(snapshot.resolve("config.json"), "{}");
    }

    @Test
    void aCachedRevisionIsServedFromItsSnapshot() {
        ModelSources sources = new ModelSources(root, Optional.of("hf-cache"));

        assertEquals(snapshot, sources.resolve(new HuggingFaceModel("karpathy/stories260K", Optional.empty())));
        assertEquals(snapshot, sources.resolve(new HuggingFaceModel("karpathy/stories260K", Optional.of(COMMIT))));
    }

    @Test
    void anUncachedRevisionOrNoCacheIsNotFound() {
        ModelSources sources = new ModelSources(root, Optional.of("hf-cache"));

        assertThrows(ArtifactNotFoundException.class,
                () -> sources.resolve(new HuggingFaceModel("karpathy/stories260K", Optional.of("v2"))));
        assertThrows(ArtifactNotFoundException.class,
                () -> sources.resolve(new HuggingFaceModel("karpathy/stories260K", Optional.of("a/../../../x"))));
        assertThrows(ArtifactNotFoundException.class, () -> new ModelSources(root, Optional.empty())
                .resolve(new HuggingFaceModel("karpathy/stories260K", Optional.empty())));
    }
}
