package org.layerprune.contracts.events;

import org.layerprune.contracts.artifact.ArtifactRef;

/**
 * A model already on disk: a Hugging Face layout checkpoint directory under the artifact root.
 *
 * @param ref the directory
 */
public record ArtifactModel(ArtifactRef ref) implements ModelSource {

    public ArtifactModel {
        Fields.required(ref, "ref");
    }
}
