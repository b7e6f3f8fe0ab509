package org.layerprune.core.checkpoint;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Writes a new Hugging Face checkpoint directory, all or nothing: {@code config.json}, the weights (one
 * {@code model.safetensors}, or transformers-style shards plus {@code model.safetensors.index.json}), extra files
 * such as the tokenizer, and a {@link Manifest}.
 *
 * <p>Everything is checked first, then written by a {@link DirectoryWriter} into a hidden sibling directory
 * {@code .<name>.tmp-<random>}, which one atomic rename turns into the target. A reader therefore never sees a
 * half-written checkpoint, and a failed write leaves nothing behind. By default the target must not exist: an
 * existing checkpoint is never overwritten or merged into (the check happens before writing; a non-empty directory
 * created at the target meanwhile also makes the final rename fail). With {@link #replaceExisting}, an existing
 * checkpoint directory is replaced once the new one is complete: the old one is renamed aside, the new one renamed
 * in, then the old one deleted. Files are not forced to disk, so the guarantee covers readers and crashed writers,
 * not power loss.
 *
 * <pre>{@code
 * CheckpointWriter.to(outDir).maxShardBytes(2_000_000_000L).write(configJson, tensors, tokenizerFiles);
 * CheckpointWriter.to(outDir).withProvenance(section).withFile("recipe.yaml", yaml)
 *         .writeShards(configJson, List.of(shard1, shard2), tokenizerFiles);
 * }</pre>
 */
public final class CheckpointWriter {

    /** transformers' default {@code max_shard_size="5GB"}, in decimal bytes as it counts them. */
    public static final long DEFAULT_MAX_SHARD_BYTES = 5_000_000_000L;

    private final Path outDir;
    private final long maxShardBytes;
    private final boolean replaceExisting;
    private final Optional<ObjectNode> provenance;
    private final Map<String, byte[]> generatedFiles;

    private CheckpointWriter(Path outDir, long maxShardBytes, boolean replaceExisting, Optional<ObjectNode> provenance,
            Map<String, byte[]> generatedFiles) {
        this.outDir = outDir;
        this.maxShardBytes = maxShardBytes;
        this.replaceExisting = replaceExisting;
        this.provenance = provenance;
        this.generatedFiles = generatedFiles;
    }

    /** A writer for the checkpoint directory {@code outDir}, which must not exist yet; its parent is created. */
    public static CheckpointWriter to(Path outDir) {
        return new CheckpointWriter(outDir, DEFAULT_MAX_SHARD_BYTES, false, Optional.empty(), Map.of());
    }

    /**
     * The largest shard, in bytes of tensor data. Tensors are never split, so a tensor larger than this gets a shard
     * of its own.
     *
     * @throws IllegalArgumentException when {@code bytes} is not positive
     */
    public CheckpointWriter maxShardBytes(long bytes) {
        if (bytes <= 0) {
            throw new IllegalArgumentException("maxShardBytes must be positive, not " + bytes);
        }
        return new CheckpointWriter(outDir, bytes, replaceExisting, provenance, generatedFiles);
    }

    /**
     * Whether an existing target is replaced rather than refused. Only a checkpoint-like directory is replaced: an
     * empty one, or one holding {@code config.json} or {@code manifest.json}; anything else (a file, a link, a
     * directory such as a home directory) is still refused, so that a mistyped path cannot delete unrelated data.
     */
    public CheckpointWriter replaceExisting(boolean replace) {
        return new CheckpointWriter(outDir, maxShardBytes, replace, provenance, generatedFiles);
    }

    /** A {@code "provenance"} object for the manifest, saying where the checkpoint came from; copied. */
    public CheckpointWriter withProvenance(ObjectNode section) {
        return new CheckpointWriter(outDir, maxShardBytes, replaceExisting, Optional.of(section.deepCopy()),
                generatedFiles);
    }

    /**
     * A small file made by the caller, such as a recipe, written under {@code name} and listed in the manifest like
     * every other file. The name follows the rules of extra files.
     */
    public CheckpointWriter withFile(String name, byte[] content) {
        Map<String, byte[]> files = new LinkedHashMap<>(generatedFiles);
        if (files.putIfAbsent(name, content.clone()) != null) {
            throw new IllegalArgumentException("file " + name + " is given twice");
        }
        return new CheckpointWriter(outDir, maxShardBytes, replaceExisting, provenance,
                Collections.unmodifiableMap(files));
    }

    /**
     * Writes the checkpoint. When the tensors' bytes exceed {@link #maxShardBytes}, they are split greedily, in
     * order, into {@code model-00001-of-0000N.safetensors} and so on, with an index whose {@code total_size} is the
     * sum of their byte lengths; otherwise they go into one {@code model.safetensors}. Tensor bytes are copied
     * unchanged, whatever their dtype.
     *
     * @param configJson the content of {@code config.json}, written as UTF-8; must be a JSON object
     * @param tensors the weights, in file order; names unique, shape times dtype size equal to the byte count
     * @param extraFiles copied byte for byte under their own file names; may not be named like a weight file, the
     *     index, {@code config.json} or {@code manifest.json}, nor share a name with each other
     * @throws CheckpointException naming the target directory, file or tensor at fault; nothing is left behind
     */
    public void write(String configJson, List<TensorData> tensors, List<Path> extraFiles) {
        List<List<TensorData>> shards = shards(tensors);
        Map<String, List<TensorData>> weightFiles = new LinkedHashMap<>();
        for (int i = 0; i < shards.size(); i++) {
            weightFiles.put(shards.size() == 1 ? Checkpoint.SINGLE_FILE : shardName(i, shards.size()), shards.get(i));
        }
        writeFiles(configJson, weightFiles, extraFiles);
    }

    /**
     * Writes the checkpoint with the tensors in exactly the shards given, whatever {@link #maxShardBytes} says:
     * shard i (from 0) becomes {@code model-0000<i+1>-of-0000N.safetensors}, listed in an index whose
     * {@code total_size} is the sum of the tensors' byte lengths. The sharded layout is kept even for one shard,
     * as {@code model-00001-of-00001.safetensors}, which transformers, vLLM and llama.cpp's converter all read.
     *
     * @param shards the weights of each shard, in file order; none empty; names unique across all of them
     * @throws CheckpointException as {@link #write}, or naming the target when there is no shard or an empty one
     */
    public void writeShards(String configJson, List<List<TensorData>> shards, List<Path> extraFiles) {
        Path target = outDir.toAbsolutePath().normalize();
        if (shards.isEmpty()) {
            throw new CheckpointException(target + ": no shards to write");
        }
        Map<String, List<TensorData>> weightFiles = new LinkedHashMap<>();
        for (int i = 0; i < shards.size(); i++) {
            if (shards.get(i).isEmpty()) {
                throw new CheckpointException(target + ": shard " + (i + 1) + " of " + shards.size()
                        + " holds no tensors");
            }
            weightFiles.put(shardName(i, shards.size()), List.copyOf(shards.get(i)));
        }
        writeFiles(configJson, weightFiles, extraFiles);
    }

    /** {@code model-0000<i+1>-of-0000<count>.safetensors}, transformers' shard name. */
    private static String shardName(int i, int count) {
        return String.format(Locale.ROOT, "model-%05d-of-%05d.safetensors", i + 1, count);
    }

    /** Checks everything, then has a {@link DirectoryWriter} write the files into a temporary sibling and rename it. */
    private void writeFiles(String configJson, Map<String, List<TensorData>> weightFiles, List<Path> extraFiles) {
        DirectoryWriter directory = DirectoryWriter.to(outDir, "checkpoint", Checkpoint.CONFIG_FILE)
                .replaceExisting(replaceExisting);
        Path target = directory.target();
        byte[] config = configJson.getBytes(StandardCharsets.UTF_8);
        Json.parseObject(target.resolve(Checkpoint.CONFIG_FILE), config, "config");
        Map<String, Path> extras = extrasByName(target, extraFiles);
        requireGeneratedNames(target, extras);
        requireUniqueNames(target, weightFiles.values().stream().flatMap(List::stream).toList());

        directory = directory.withBytes(Checkpoint.CONFIG_FILE, config);
        for (Map.Entry<String, List<TensorData>> file : weightFiles.entrySet()) {
            directory = directory.withSafetensors(file.getKey(), file.getValue(), Map.of());
        }
        if (weightFiles.size() > 1 || !weightFiles.containsKey(Checkpoint.SINGLE_FILE)) {
            ShardIndex index = index(weightFiles);
            directory = directory.with(ShardIndex.FILE_NAME, index::write);
        }
        for (Path extra : extras.values()) {
            directory = directory.withCopyOf(extra);
        }
        for (Map.Entry<String, byte[]> generated : generatedFiles.entrySet()) {
            directory = directory.withBytes(generated.getKey(), generated.getValue());
        }
        if (provenance.isPresent()) {
            directory = directory.withProvenance(provenance.get());
        }
        directory.write();
    }

    /** Greedy, in order: a shard is closed when the next tensor would take it past the limit. */
    private List<List<TensorData>> shards(List<TensorData> tensors) {
        List<List<TensorData>> shards = new ArrayList<>();
        List<TensorData> current = new ArrayList<>();
        long currentBytes = 0;
        for (TensorData tensor : tensors) {
            if (!current.isEmpty() && currentBytes + tensor.byteLength() > maxShardBytes) {
                shards.add(current);
                current = new ArrayList<>();
                currentBytes = 0;
            }
            current.add(tensor);
            currentBytes += tensor.byteLength();
        }
        shards.add(current);
        return shards;
    }

    private static ShardIndex index(Map<String, List<TensorData>> weightFiles) {
        long totalSize = 0;
        Map<String, String> weightMap = new LinkedHashMap<>();
        for (Map.Entry<String, List<TensorData>> file : weightFiles.entrySet()) {
            for (TensorData tensor : file.getValue()) {
                totalSize += tensor.byteLength();
                weightMap.put(tensor.name(), file.getKey());
            }
        }
        return new ShardIndex(totalSize, weightMap);
    }

    /** The caller's own files may clash neither with what the writer writes nor with the extra files. */
    private void requireGeneratedNames(Path target, Map<String, Path> extras) {
        for (String name : generatedFiles.keySet()) {
            if (!DirectoryWriter.isPlainFileName(name) || isReserved(name)) {
                throw new CheckpointException(target.resolve(name) + ": not a file name the checkpoint can hold"
                        + " beside what CheckpointWriter writes itself");
            }
            if (extras.containsKey(name)) {
                throw new CheckpointException(target.resolve(name) + ": given both as a file to write and as the"
                        + " extra file " + extras.get(name));
            }
        }
    }

    private static boolean isReserved(String name) {
        return name.equals(Checkpoint.CONFIG_FILE) || name.equals(Manifest.FILE_NAME)
                || name.equals(ShardIndex.FILE_NAME) || name.endsWith(".safetensors");
    }

    private static void requireUniqueNames(Path target, List<TensorData> tensors) {
        Set<String> names = new HashSet<>();
        for (TensorData tensor : tensors) {
            if (!names.add(tensor.name())) {
                throw new CheckpointException(target + ": tensor " + tensor.name() + " is given twice");
            }
        }
    }

    /** Extra files by the name they get in the checkpoint, refusing any that would clash with what we write. */
    private static Map<String, Path> extrasByName(Path target, List<Path> extraFiles) {
        Map<String, Path> byName = new LinkedHashMap<>();
        for (Path extra : extraFiles) {
            String name = extra.getFileName().toString();
            if (!Files.isRegularFile(extra)) {
                throw new CheckpointException(extra + ": extra file is missing or not a regular file");
            }
            if (isReserved(name)) {
                throw new CheckpointException(extra + ": extra file would take the place of the " + name
                        + " that CheckpointWriter writes itself in " + target);
            }
            Path other = byName.putIfAbsent(name, extra);
            if (other != null) {
                throw new CheckpointException(extra + ": extra file has the same name as " + other);
            }
        }
        return byName;
    }
}
