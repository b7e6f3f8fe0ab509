package org.layerprune.contracts.events;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * Where an experiment's model comes from: a checkpoint already under the artifact root, or a Hugging Face repo that a
 * deployment with network access downloads into it. Written with a {@code kind} of {@code artifact} or
 * {@code huggingface}.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "kind")
@JsonSubTypes({
    @JsonSubTypes.Type(value = ArtifactModel.class, name = "artifact"),
    @JsonSubTypes.Type(value = HuggingFaceModel.class, name = "huggingface")
})
public sealed interface ModelSource permits ArtifactModel, HuggingFaceModel {
}
