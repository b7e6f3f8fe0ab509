package org.layerprune.core.prune;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.layerprune.core.checkpoint.Checkpoint;
import org.layerprune.core.checkpoint.CheckpointException;
import org.layerprune.core.checkpoint.CheckpointHash;
import org.layerprune.core.checkpoint.CheckpointWriter;
import org.layerprune.core.checkpoint.Json;
import org.layerprune.core.checkpoint.Manifest;
import org.layerprune.core.checkpoint.ShardIndex;
import org.layerprune.core.checkpoint.TensorData;
import org.layerprune.core.checkpoint.TensorInfo;
import org.layerprune.core.model.ConfigException;
import org.layerprune.core.model.LlamaConfig;
import org.layerprune.core.model.LlamaModel;
import org.layerprune.core.model.TensorKeys;

/**
 * Cuts a block of consecutive decoder layers out of a Hugging Face checkpoint and writes the result as a new
 * checkpoint that transformers, vLLM and llama.cpp's converter load unchanged.
 *
 * <ul>
 *   <li>Weights: every tensor of a kept layer is renamed from {@code model.layers.j} to {@code model.layers.j'}, with
 *       j' = j before the block and j - n after it, so the layers stay numbered 0..L-n-1; tensors outside the layers
 *       are kept as they are. Bytes are copied from the mapped source unchanged, whatever the dtype.
 *   <li>Sharding: a single {@code model.safetensors} stays single. A sharded source stays sharded: each kept tensor
 *       goes to the shard it was in, shards left empty are dropped and the rest renumbered
 *       {@code model-0000i-of-0000N}, with a new index.
 *   <li>{@code config.json}: see {@link PrunedConfig}; keys and their order are kept, written with 2-space indents.
 *   <li>Other files: copied byte for byte, except what {@link SourceFiles} leaves out, which the report lists.
 *   <li>{@code mergekit.yaml}: the same cut as a mergekit passthrough recipe ({@link MergekitRecipe}).
 *   <li>{@code manifest.json}: sha256 and size of every file, and a provenance section: the source's path and
 *       {@link CheckpointHash}, the layers removed, the strategy (and the probe's metric and distance), the tool.
 * </ul>
 *
 * <p>The output is written all or nothing by {@link CheckpointWriter}: into a hidden sibling, then renamed.
 */
public final class LayerPruner {

    private LayerPruner() {
    }

    /**
     * Prunes {@code block} out of the checkpoint in {@code source} into {@code out}.
     *
     * @param provenance why this block; when it carries a probed model's hash, the source must have that hash
     * @param overwrite whether an existing checkpoint at {@code out} is replaced (only once the new one is
     *     complete); without it an existing {@code out} is refused
     * @throws CheckpointException when the source is not a checkpoint, its weights disagree with its
     *     {@code num_hidden_layers}, its hash is not the probed model's, {@code out} exists (without overwrite) or
     *     is the source or contains it, or the output cannot be written; the message starts with the path at fault
     * @throws ConfigException when the source's config.json is not one this tool understands
     * @throws IllegalArgumentException naming the source when the block does not fit its layers (n >= L, or past
     *     the last layer)
     */
    public static PruneReport prune(Path source, BlockSelection block, Provenance provenance, Path out,
            boolean overwrite) {
        return prune(source, source.toAbsolutePath().normalize().toString(), block, provenance, out, overwrite);
    }

    /**
     * As {@link #prune(Path, BlockSelection, Provenance, Path, boolean)}, with the mergekit recipe naming the source
     * as {@code sourceName} instead of its absolute path: what a reader of the output can reach, such as its path
     * relative to an artifact root, where a service's own mount means nothing.
     */
    public static PruneReport prune(Path source, String sourceName, BlockSelection block, Provenance provenance,
            Path out, boolean overwrite) {
        Path sourceDir = source.toAbsolutePath().normalize();
        Path target = out.toAbsolutePath().normalize();
        try (Checkpoint checkpoint = Checkpoint.open(sourceDir)) {
            // everything that can be refused is refused before the weights are read
            ObjectNode config = readConfig(checkpoint.configFile());
            int layers = understood(config, checkpoint.configFile()).numHiddenLayers();
            try {
                block.checkWithin(layers);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(sourceDir + ": " + e.getMessage(), e);
            }
            requireUsableTarget(sourceDir, target, overwrite);
            requireLayers(checkpoint, layers);
            ObjectNode prunedConfig;
            try {
                prunedConfig = PrunedConfig.cut(config, block);
            } catch (IllegalArgumentException e) {
                throw new ConfigException(checkpoint.configFile(), e.getMessage());
            }

            // one pass over the source's bytes: the hash goes into the manifest, and must be the probed model's
            String sourceHash = CheckpointHash.of(checkpoint);
            Optional<String> probed = provenance.probedModelHash();
            if (probed.isPresent() && !probed.get().equals(sourceHash)) {
                throw new CheckpointException(sourceDir + ": content hash " + sourceHash + " is not the hash "
                        + probed.get() + " of the model the probe ran on; probe this checkpoint before pruning it");
            }

            // a second pass copies the kept tensors, renamed, into a temporary directory renamed onto the target
            List<List<TensorData>> shards = keptTensors(checkpoint, block);
            SourceFiles files = SourceFiles.sort(sourceDir, rewrittenFiles(checkpoint));
            String recipe = MergekitRecipe.passthrough(sourceName, block, layers, dtype(config));
            CheckpointWriter writer = CheckpointWriter.to(target)
                    .replaceExisting(overwrite)
                    .withFile(MergekitRecipe.FILE_NAME, recipe.getBytes(StandardCharsets.UTF_8))
                    .withProvenance(provenance(sourceDir, sourceHash, block, layers, provenance));
            String configJson = new String(Json.pretty(prunedConfig), StandardCharsets.UTF_8);
            if (checkpoint.isSharded()) {
                writer.writeShards(configJson, shards, files.copied());
            } else {
                writer.maxShardBytes(Long.MAX_VALUE).write(configJson, shards.get(0), files.copied());
            }

            // counted as info and transformers' num_parameters() count them: a stored tied lm_head once
            long parameters = LlamaModel.parameterCount(LlamaConfig.parse(prunedConfig));
            Manifest manifest = Manifest.read(target.resolve(Manifest.FILE_NAME));
            return new PruneReport(sourceDir, sourceHash, target, CheckpointHash.of(checkpointDigests(manifest)),
                    block, provenance, layers, layers - block.count(), block.removedLayers(), parameters,
                    fileNames(manifest), files.skipped());
        }
    }

    /** Every file of a directory with this manifest: those it lists, and itself. */
    private static List<String> fileNames(Manifest manifest) {
        List<String> names = new ArrayList<>(manifest.files().keySet());
        names.add(Manifest.FILE_NAME);
        names.sort(null);
        return names;
    }

    /** config.json as a tree that keeps key order. */
    private static ObjectNode readConfig(Path configFile) {
        try {
            return Json.parseObject(configFile, Files.readAllBytes(configFile), "config");
        } catch (IOException e) {
            throw new CheckpointException(configFile + ": cannot read: " + e, e);
        }
    }

    /** The config as this tool understands it, which also checks that it is one this tool runs. */
    private static LlamaConfig understood(ObjectNode config, Path configFile) {
        try {
            return LlamaConfig.parse(config);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(configFile, e.getMessage());
        }
    }

    /** Refuses an existing target without overwrite, and a target that is the source or holds it. */
    private static void requireUsableTarget(Path sourceDir, Path target, boolean overwrite) {
        Path realSource;
        Path realTarget = target;
        try {
            realSource = sourceDir.toRealPath();
            if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                realTarget = target.toRealPath();
            }
        } catch (IOException e) {
            throw new CheckpointException(sourceDir + ": cannot resolve: " + e, e);
        }
        if (realSource.startsWith(realTarget)) {
            throw new CheckpointException(target + ": is the source checkpoint " + sourceDir
                    + " or a directory holding it; write the pruned checkpoint elsewhere");
        }
        if (realTarget.startsWith(realSource)) {
            throw new CheckpointException(target + ": is inside the source checkpoint " + sourceDir
                    + "; write the pruned checkpoint elsewhere");
        }
        if (!overwrite && Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            throw new CheckpointException(target + ": already exists; choose another output or overwrite it");
        }
    }

    /**
     * Checks that the weights hold exactly layers 0..L-1 of the config, each with the same tensors under canonical
     * {@code model.layers.N.} names, so that renumbering cannot lose or merge anything.
     */
    private static void requireLayers(Checkpoint checkpoint, int layers) {
        Map<Integer, Set<String>> suffixes = new TreeMap<>();
        for (TensorInfo tensor : checkpoint.tensors()) {
            int layer = TensorKeys.layerIndex(tensor.name());
            if (layer < 0) {
                continue;
            }
            if (!TensorKeys.renumber(tensor.name(), layer).equals(tensor.name())) {
                throw new CheckpointException(checkpoint.fileOf(tensor.name()) + ": tensor " + tensor.name()
                        + " does not spell its layer number as model.layers." + layer + ".");
            }
            suffixes.computeIfAbsent(layer, l -> new TreeSet<>()).add(TensorKeys.renumber(tensor.name(), 0));
        }
        Set<Integer> expected = new TreeSet<>();
        for (int i = 0; i < layers; i++) {
            expected.add(i);
        }
        if (!suffixes.keySet().equals(expected)) {
            throw new CheckpointException(checkpoint.dir() + ": " + Checkpoint.CONFIG_FILE + " says num_hidden_layers"
                    + " = " + layers + ", but the weights hold tensors for " + describe(suffixes.keySet()));
        }
        Set<String> first = suffixes.get(0);
        suffixes.forEach((layer, names) -> {
            if (!names.equals(first)) {
                Set<String> missing = new TreeSet<>(first);
                missing.removeAll(names);
                Set<String> extra = new TreeSet<>(names);
                extra.removeAll(first);
                throw new CheckpointException(checkpoint.dir() + ": layer " + layer + " does not have the tensors"
                        + " layer 0 has (as layer 0 names: missing " + missing + ", extra " + extra + ")");
            }
        });
    }

    private static String describe(Set<Integer> layers) {
        if (layers.isEmpty()) {
            return "no layers (no model.layers.N tensors)";
        }
        List<Integer> sorted = new ArrayList<>(layers);
        int first = sorted.get(0);
        int last = sorted.get(sorted.size() - 1);
        if (last - first + 1 == sorted.size()) {
            return "layers " + first + ".." + last;
        }
        return "layers " + (sorted.size() <= 20 ? sorted.toString() : sorted.subList(0, 20) + "...");
    }

    /**
     * The kept tensors, renamed, grouped by the weight file they came from (files in shard order, tensors in header
     * order); files left empty are dropped. For an unsharded source, the one group.
     */
    private static List<List<TensorData>> keptTensors(Checkpoint checkpoint, BlockSelection block) {
        Map<Path, List<TensorData>> byFile = new LinkedHashMap<>();
        checkpoint.weightFiles().forEach(file -> byFile.put(file, new ArrayList<>()));
        for (TensorInfo tensor : checkpoint.tensors()) {
            int layer = TensorKeys.layerIndex(tensor.name());
            if (layer >= 0 && block.removes(layer)) {
                continue;
            }
            String name = layer < 0 ? tensor.name() : TensorKeys.renumber(tensor.name(), block.newIndex(layer));
            byFile.get(checkpoint.fileOf(tensor.name()))
                    .add(new TensorData(name, tensor.dtype(), tensor.shape(), checkpoint.bytes(tensor.name())));
        }
        List<List<TensorData>> shards = byFile.values().stream().filter(shard -> !shard.isEmpty()).toList();
        if (shards.isEmpty()) {
            throw new CheckpointException(checkpoint.dir() + ": no tensors would remain");
        }
        return shards;
    }

    /** The source files the pruner writes anew: config, weight files and, when sharded, the index. */
    private static Set<String> rewrittenFiles(Checkpoint checkpoint) {
        Set<String> names = new HashSet<>();
        names.add(Checkpoint.CONFIG_FILE);
        checkpoint.weightFiles().forEach(file -> names.add(file.getFileName().toString()));
        if (checkpoint.isSharded()) {
            names.add(ShardIndex.FILE_NAME);
        }
        return names;
    }

    /** The output's config, weight files and index, as its manifest digests them; what {@link CheckpointHash} covers. */
    private static Map<String, Manifest.FileDigest> checkpointDigests(Manifest manifest) {
        Map<String, Manifest.FileDigest> digests = new TreeMap<>();
        manifest.files().forEach((name, digest) -> {
            if (name.equals(Checkpoint.CONFIG_FILE) || name.equals(ShardIndex.FILE_NAME)
                    || name.endsWith(".safetensors")) {
                digests.put(name, digest);
            }
        });
        return digests;
    }

    /** {@code torch_dtype}, or transformers 5's {@code dtype}, when the config names one. */
    private static Optional<String> dtype(ObjectNode config) {
        for (String key : List.of("torch_dtype", "dtype")) {
            JsonNode value = config.get(key);
            if (value != null && value.isTextual()) {
                return Optional.of(value.textValue());
            }
        }
        return Optional.empty();
    }

    private static ObjectNode provenance(Path sourceDir, String sourceHash, BlockSelection block, int layers,
            Provenance provenance) {
        ObjectNode section = JsonNodeFactory.instance.objectNode();
        section.put("tool", Manifest.TOOL);
        section.put("operation", "prune");
        section.putObject("source").put("path", sourceDir.toString()).put("hash", sourceHash);
        section.putObject("layers").put("before", layers).put("after", layers - block.count());
        ObjectNode removed = section.putObject("removed_layers").put("start", block.start()).put("count", block.count());
        block.removedLayers().forEach(removed.putArray("indices")::add);
        section.put("strategy", provenance.strategy().id());
        provenance.metric().ifPresent(metric -> section.put("metric", metric));
        provenance.distance().ifPresent(distance -> section.put("distance", distance));
        return section;
    }
}
