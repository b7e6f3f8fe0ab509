package org.layerprune.stage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.layerprune.contracts.artifact.ArtifactRef;
import org.layerprune.contracts.artifact.OutsideArtifactRootException;
import org.layerprune.contracts.events.PipelineStage;
import org.layerprune.contracts.events.VariantId;

/**
 * The directory every ref of an event is relative to, and where each stage puts its outputs. Outputs are named by
 * their inputs, so that an event delivered twice finds the first delivery's output:
 *
 * <pre>
 * experiments/&lt;experimentId&gt;/probe/                          probe.json, similarity.probed.json, manifest.json
 * experiments/&lt;experimentId&gt;/variants/&lt;variantId&gt;/checkpoint/  the variant's Hugging Face checkpoint (none for the
 *                                                                baseline, which is the source model)
 * experiments/&lt;experimentId&gt;/variants/&lt;variantId&gt;/&lt;stage&gt;/     the stage's event and files about the variant, e.g.
 *                                                                prune/variants.pruned.json, eval/variants.evaluated.json
 * experiments/&lt;experimentId&gt;/variants/&lt;healedId&gt;/heal/       core's Healer run (checkpoints/, adapter/, merged/,
 *                                                                heal.json) and record/variants.healed.json
 * </pre>
 */
public final class ArtifactRoot {

    private final Path dir;

    /**
     * The root {@code dir}, created when missing (a fresh volume).
     *
     * @throws UncheckedIOException when it cannot be created or resolved
     */
    public ArtifactRoot(Path dir) {
        try {
            this.dir = Files.createDirectories(dir).toRealPath();
        } catch (IOException e) {
            throw new UncheckedIOException("artifact root " + dir + " cannot be used: " + e.getMessage(), e);
        }
    }

    /** The root, absolute, symbolic links resolved. */
    public Path dir() {
        return dir;
    }

    /**
     * Where {@code ref} lies; it need not exist.
     *
     * @throws OutsideArtifactRootException when a symbolic link on the way leads out of the root
     */
    public Path resolve(ArtifactRef ref) {
        return ref.resolve(dir);
    }

    /**
     * Where {@code ref} lies, which must exist.
     *
     * @param field the event field that holds the ref, e.g. {@code model.ref}, for the message
     * @throws ArtifactNotFoundException when nothing is there
     * @throws OutsideArtifactRootException as {@link #resolve}
     */
    public Path existing(ArtifactRef ref, String field) {
        Path path = resolve(ref);
        if (!Files.exists(path)) {
            throw new ArtifactNotFoundException(field + " \"" + ref + "\" names nothing under the artifact root");
        }
        return path;
    }

    /** The ref of {@code path}, a path under the root. */
    public ArtifactRef ref(Path path) {
        return ArtifactRef.of(dir, path);
    }

    /** Everything about one experiment. */
    public Path experimentDir(String experimentId) {
        return dir.resolve("experiments").resolve(experimentId);
    }

    /** The probe's output: probe.json and the similarity.probed event. */
    public Path probeDir(String experimentId) {
        return experimentDir(experimentId).resolve(PipelineStage.PROBE.wireName());
    }

    /** Everything about one variant. */
    public Path variantDir(VariantId variant) {
        return experimentDir(variant.experimentId()).resolve("variants").resolve(variant.toString());
    }

    /** The variant's checkpoint, as pruning or healing writes it. */
    public Path checkpointDir(VariantId variant) {
        return variantDir(variant).resolve("checkpoint");
    }

    /** What {@code stage} wrote about the variant: its event and any small files beside it. */
    public Path stageDir(VariantId variant, PipelineStage stage) {
        return variantDir(variant).resolve(stage.wireName());
    }

    /**
     * Where a healed variant is made: core's Healer owns this directory (resumable {@code checkpoints/}, the training
     * log, {@code adapter/}, {@code merged/}, {@code heal.json}), so that whichever worker holds the variant next
     * resumes from the same checkpoints.
     *
     * @param healed a variant id of stage healed
     */
    public Path healDir(VariantId healed) {
        return stageDir(healed, PipelineStage.HEAL);
    }

    /**
     * The heal stage's once-only record (variants.healed.json, manifest.json), inside {@link #healDir} and apart from
     * what Healer writes there, since a record directory is replaced whole.
     */
    public Path healRecordDir(VariantId healed) {
        return healDir(healed).resolve("record");
    }

    /** {@code text} with the root's absolute path taken out of it, so that messages in events name refs. */
    public String relativize(String text) {
        return text == null ? null : text.replace(dir + "/", "").replace(dir.toString(), "<artifact root>");
    }
}
