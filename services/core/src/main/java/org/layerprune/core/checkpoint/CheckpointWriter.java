package org.layerprune.core.checkpoint;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Writes a new Hugging Face checkpoint directory, all or nothing: {@code config.json}, the weights (one
 * {@code model.safetensors}, or transformers-style shards plus {@code model.safetensors.index.json}), extra files
 * such as the tokenizer, and a {@link Manifest}.
 *
 * <p>Everything is checked first, then written into a hidden sibling directory {@code .<name>.tmp-<random>}, which
 * one atomic rename turns into the target. A reader therefore never sees a half-written checkpoint, and a failed
 * write leaves nothing behind. The target must not exist: an existing checkpoint is never overwritten or merged into
 * (the check happens before writing; a non-empty directory created at the target meanwhile also makes the final
 * rename fail). Files are not forced to disk, so the guarantee covers readers and crashed writers, not power loss.
 *
 * <pre>{@code
 * CheckpointWriter.to(outDir).maxShardBytes(2_000_000_000L).write(configJson, tensors, tokenizerFiles);
 * }</pre>
 */
public final class CheckpointWriter {

    /** transformers' default {@code max_shard_size="5GB"}, in decimal bytes as it counts them. */
    public static final long DEFAULT_MAX_SHARD_BYTES = 5_000_000_000L;

    private final Path outDir;
    private final long maxShardBytes;

    private CheckpointWriter(Path outDir, long maxShardBytes) {
        this.outDir = outDir;
        this.maxShardBytes = maxShardBytes;
    }

    /** A writer for the checkpoint directory {@code outDir}, which must not exist yet; its parent is created. */
    public static CheckpointWriter to(Path outDir) {
        return new CheckpointWriter(outDir, DEFAULT_MAX_SHARD_BYTES);
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
        return new CheckpointWriter(outDir, bytes);
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
        Path target = outDir.toAbsolutePath().normalize();
        if (target.getParent() == null) {
            throw new CheckpointException(target + ": a checkpoint cannot be the file system root");
        }
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            throw new CheckpointException(target + ": already exists; CheckpointWriter only creates new checkpoints");
        }
        byte[] config = configJson.getBytes(StandardCharsets.UTF_8);
        Json.parseObject(target.resolve(Checkpoint.CONFIG_FILE), config, "config");
        Map<String, Path> extras = extrasByName(target, extraFiles);
        requireUniqueNames(target, tensors);

        List<List<TensorData>> shards = shards(tensors);
        Map<String, List<TensorData>> weightFiles = new LinkedHashMap<>();
        for (int i = 0; i < shards.size(); i++) {
            String name = shards.size() == 1 ? Checkpoint.SINGLE_FILE
                    : String.format(Locale.ROOT, "model-%05d-of-%05d.safetensors", i + 1, shards.size());
            weightFiles.put(name, shards.get(i));
        }
        Map<String, SafetensorsHeader> headers = new LinkedHashMap<>();
        weightFiles.forEach((name, shard) ->
                headers.put(name, SafetensorsWriter.header(target.resolve(name), shard, Map.of())));

        Path temp = null;
        try {
            Files.createDirectories(target.getParent());
            temp = Files.createDirectory(TempSibling.of(target));
            Files.write(temp.resolve(Checkpoint.CONFIG_FILE), config);
            for (Map.Entry<String, List<TensorData>> file : weightFiles.entrySet()) {
                SafetensorsWriter.write(temp.resolve(file.getKey()), headers.get(file.getKey()), file.getValue());
            }
            if (weightFiles.size() > 1) {
                index(weightFiles).write(temp.resolve(ShardIndex.FILE_NAME));
            }
            for (Map.Entry<String, Path> extra : extras.entrySet()) {
                Files.copy(extra.getValue(), temp.resolve(extra.getKey()));
            }
            Manifest.of(temp).write(temp.resolve(Manifest.FILE_NAME));
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw removing(temp, new CheckpointException(target + ": cannot write: " + e, e));
        } catch (RuntimeException e) {
            throw removing(temp, e);
        } catch (Error e) {
            throw removing(temp, e);
        }
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
            if (name.equals(Checkpoint.CONFIG_FILE) || name.equals(Manifest.FILE_NAME)
                    || name.equals(ShardIndex.FILE_NAME) || name.endsWith(".safetensors")) {
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

    /**
     * Deletes the temporary directory, if it was created, on the way out of a failed write; a failure to delete is
     * attached to {@code failure}, which is returned for the caller to throw.
     */
    private static <T extends Throwable> T removing(Path temp, T failure) {
        if (temp == null) {
            return failure;
        }
        try (Stream<Path> walk = Files.walk(temp)) {
            for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException | RuntimeException e) {
            failure.addSuppressed(e);
        }
        return failure;
    }
}
