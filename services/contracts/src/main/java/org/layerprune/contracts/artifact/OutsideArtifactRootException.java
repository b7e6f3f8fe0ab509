package org.layerprune.contracts.artifact;

import java.nio.file.Path;

/**
 * A ref that is well-formed but lands outside the artifact root on disk, through a symbolic link. Services report it
 * as {@code stage.failed} with code {@code OUTSIDE_ARTIFACT_ROOT}: retrying cannot help.
 */
public final class OutsideArtifactRootException extends RuntimeException {

    private final ArtifactRef ref;

    OutsideArtifactRootException(ArtifactRef ref, Path root, String problem) {
        super("artifact ref \"" + ref + "\" " + problem + ", outside the artifact root " + root);
        this.ref = ref;
    }

    /** The ref that was refused. */
    public ArtifactRef ref() {
        return ref;
    }
}
