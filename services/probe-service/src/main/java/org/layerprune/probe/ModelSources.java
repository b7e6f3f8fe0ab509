package org.layerprune.probe;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.layerprune.contracts.artifact.ArtifactRef;
import org.layerprune.contracts.events.ArtifactModel;
import org.layerprune.contracts.events.HuggingFaceModel;
import org.layerprune.contracts.events.ModelSource;
import org.layerprune.stage.ArtifactNotFoundException;
import org.layerprune.stage.ArtifactRoot;

/**
 * Where a request's model lies under the artifact root: the checkpoint directory it names, or the snapshot of a
 * Hugging Face repo in the configured hub cache. Nothing is downloaded here: a deployment with network access fills
 * the cache (e.g. {@code HF_HUB_CACHE=<root>/hf-cache huggingface-cli download <repo>}) before the request.
 */
final class ModelSources {

    private final ArtifactRoot root;
    private final Optional<ArtifactRef> huggingfaceCache;

    ModelSources(ArtifactRoot root, Optional<String> huggingfaceCache) {
        this.root = root;
        this.huggingfaceCache = huggingfaceCache.map(ArtifactRef::of);
    }

    /**
     * The checkpoint directory of {@code source}.
     *
     * @throws ArtifactNotFoundException when it is not there (for a Hugging Face repo: not in the cache)
     */
    Path resolve(ModelSource source) {
        if (source instanceof ArtifactModel artifact) {
            return root.existing(artifact.ref(), "model.ref");
        }
        HuggingFaceModel model = (HuggingFaceModel) source;
        String revision = model.revision().orElse("main");
        return huggingfaceCache.map(root::resolve)
                .flatMap(cache -> snapshot(cache.resolve("models--" + model.repoId().replace("/", "--")), revision))
                .map(dir -> root.resolve(root.ref(dir))) // a link in the cache must not lead out of the root
                .orElseThrow(() -> new ArtifactNotFoundException("model.repoId \"" + model.repoId() + "\" at revision "
                        + revision + " is not in the Hugging Face cache" + huggingfaceCache.map(c -> " " + c)
                        .orElse(" (none configured)") + "; downloading needs a deployment with network access"));
    }

    /** The snapshot directory of {@code revision} (a commit, or a branch or tag under refs/) when it is complete. */
    private static Optional<Path> snapshot(Path repo, String revision) {
        String commit = revision;
        if (!revision.matches("[0-9a-f]{40}")) {
            Path ref = repo.resolve("refs").resolve(revision).normalize();
            if (!ref.startsWith(repo.resolve("refs")) || !Files.isRegularFile(ref)) {
                return Optional.empty();
            }
            try {
                commit = Files.readString(ref).trim();
            } catch (IOException e) {
                return Optional.empty();
            }
        }
        Path dir = repo.resolve("snapshots").resolve(commit).normalize();
        return dir.startsWith(repo.resolve("snapshots")) && Files.isRegularFile(dir.resolve("config.json"))
                ? Optional.of(dir) : Optional.empty();
    }
}
