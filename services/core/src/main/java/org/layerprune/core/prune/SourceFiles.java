package org.layerprune.core.prune;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;
import org.layerprune.core.checkpoint.CheckpointException;
import org.layerprune.core.checkpoint.Manifest;
import org.layerprune.core.prune.PruneReport.SkippedFile;

/**
 * Sorts the entries of a source checkpoint directory into those the pruned checkpoint copies byte for byte (the
 * tokenizer, generation config, model card, ...) and those it leaves out: weights in other formats, which would
 * still hold the removed layers and which a loader might pick up instead of the pruned safetensors; indexes and
 * configs of such weights; our own manifest and recipe, which the pruner writes afresh; and anything that is not a
 * regular file, since checkpoint directories are flat. Links are followed, so a Hugging Face cache snapshot, whose
 * files are links into its blob store, is copied as content.
 *
 * @param copied the files to copy, in name order
 * @param skipped what is left out and why, in name order
 */
record SourceFiles(List<Path> copied, List<SkippedFile> skipped) {

    /** Extensions of weight formats other than safetensors: PyTorch, TensorFlow, Flax, GGUF, ONNX. */
    private static final Set<String> OTHER_WEIGHT_FORMATS = Set.of(
            ".bin", ".pt", ".pth", ".ckpt", ".h5", ".msgpack", ".gguf", ".onnx");

    SourceFiles {
        copied = List.copyOf(copied);
        skipped = List.copyOf(skipped);
    }

    /**
     * @param dir the source checkpoint directory
     * @param rewritten the names of the files the pruner writes itself from the checkpoint (config, weight files,
     *     index): neither copied nor reported
     */
    static SourceFiles sort(Path dir, Set<String> rewritten) {
        List<Path> entries;
        try (Stream<Path> listing = Files.list(dir)) {
            entries = listing.sorted().toList();
        } catch (IOException e) {
            throw new CheckpointException(dir + ": cannot list: " + e, e);
        }
        List<Path> copied = new ArrayList<>();
        List<SkippedFile> skipped = new ArrayList<>();
        for (Path entry : entries) {
            String name = entry.getFileName().toString();
            if (rewritten.contains(name)) {
                continue;
            }
            String reason = reasonToSkip(entry, name);
            if (reason == null) {
                copied.add(entry);
            } else {
                skipped.add(new SkippedFile(name, reason));
            }
        }
        return new SourceFiles(copied, skipped);
    }

    /** Why {@code entry} is left out, or null when it is copied. */
    private static String reasonToSkip(Path entry, String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        if (!Files.isRegularFile(entry)) {
            return "not a regular file; a checkpoint directory is flat";
        }
        if (lower.endsWith(".safetensors")) {
            return "safetensors weights that are not part of the checkpoint; they would still hold the removed layers";
        }
        int dot = lower.lastIndexOf('.');
        if (dot >= 0 && OTHER_WEIGHT_FORMATS.contains(lower.substring(dot))) {
            return "weights in another format; they would still hold the removed layers";
        }
        if (lower.endsWith(".index.json")) {
            return "index of weights that are not copied";
        }
        if (name.equals("params.json")) {
            return "native (consolidated) format config, whose layer count would no longer be true";
        }
        if (name.equals(Manifest.FILE_NAME)) {
            return "the source's own manifest; the pruned checkpoint gets a new one";
        }
        if (name.equals(MergekitRecipe.FILE_NAME)) {
            return "the source's own recipe; the pruned checkpoint gets a new one";
        }
        return null;
    }
}
