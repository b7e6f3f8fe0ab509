package org.layerprune.contracts.events;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A model on the Hugging Face Hub, downloaded into the artifact root by the probe stage of a deployment that may
 * reach the Hub.
 *
 * @param repoId {@code owner/name}, or a legacy bare name such as {@code gpt2}
 * @param revision a branch, tag or commit; empty means {@code main}. A commit makes the experiment repeatable.
 */
public record HuggingFaceModel(String repoId, Optional<String> revision) implements ModelSource {

    private static final Pattern REPO_ID = Pattern.compile(
            "(?!.*(?:--|\\.\\.))(?:[A-Za-z0-9][A-Za-z0-9._-]*/)?[A-Za-z0-9][A-Za-z0-9._-]*");

    private static final Pattern REVISION = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._/-]{0,99}");

    public HuggingFaceModel {
        Fields.required(repoId, "repoId");
        if (repoId.length() > 96 || !REPO_ID.matcher(repoId).matches()) {
            throw new InvalidEventException("repoId", "\"" + repoId + "\" is not a Hugging Face repo id");
        }
        Fields.required(revision, "revision");
        revision.filter(r -> !REVISION.matcher(r).matches()).ifPresent(r -> {
            throw new InvalidEventException("revision", "\"" + r + "\" is not a branch, tag or commit");
        });
    }
}
