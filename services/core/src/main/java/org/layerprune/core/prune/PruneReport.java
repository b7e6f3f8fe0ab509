package org.layerprune.core.prune;

import java.nio.file.Path;
import java.util.List;

/**
 * What a prune did, for the caller to print or to put in a {@code variants.pruned} event.
 *
 * @param source the source checkpoint directory, absolute
 * @param sourceHash its {@link org.layerprune.core.checkpoint.CheckpointHash}
 * @param output the pruned checkpoint directory, absolute
 * @param outputHash the pruned checkpoint's {@link org.layerprune.core.checkpoint.CheckpointHash}
 * @param block the layers removed, in the source's numbering
 * @param provenance why those layers
 * @param layersBefore L
 * @param layersAfter L - n
 * @param removedLayers the removed layers' indices in the source, ascending
 * @param parameters the pruned model's parameters, a tied lm_head counted once (as {@code info} and
 *     transformers' num_parameters() count them)
 * @param outputFiles every file of the pruned checkpoint, manifest included, sorted by name
 * @param skippedFiles entries of the source directory that were neither rewritten nor copied, and why
 */
public record PruneReport(Path source, String sourceHash, Path output, String outputHash, BlockSelection block,
        Provenance provenance, int layersBefore, int layersAfter, List<Integer> removedLayers, long parameters,
        List<String> outputFiles, List<SkippedFile> skippedFiles) {

    /**
     * An entry of the source directory left out of the pruned checkpoint.
     *
     * @param name its file name
     * @param reason why, e.g. that it holds weights in another format that still include the removed layers
     */
    public record SkippedFile(String name, String reason) {
    }

    public PruneReport {
        removedLayers = List.copyOf(removedLayers);
        outputFiles = List.copyOf(outputFiles);
        skippedFiles = List.copyOf(skippedFiles);
    }
}
