package org.layerprune.stage;

/** A ref that is well-formed and inside the artifact root names nothing: {@code stage.failed} code NOT_FOUND. */
public final class ArtifactNotFoundException extends RuntimeException {

    public ArtifactNotFoundException(String message) {
        super(message);
    }
}
