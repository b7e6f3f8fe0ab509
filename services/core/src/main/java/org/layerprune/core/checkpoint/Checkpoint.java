package org.layerprune.core.checkpoint;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A Hugging Face checkpoint directory opened for reading: {@code config.json} plus either {@code model.safetensors}
 * or the shards listed in {@code model.safetensors.index.json}.
 *
 * <p>{@link #open} validates every weight file and the index against the shards before anything is used, so a
 * tensor name resolves to exactly one file. When both a single file and an index are present the single file wins,
 * as in transformers. Every weight file stays open until {@link #close()}; until then the checkpoint is immutable and
 * may be shared between threads.
 */
public final class Checkpoint implements AutoCloseable {

    /** The model configuration's name in a checkpoint directory. */
    public static final String CONFIG_FILE = "config.json";

    /** The weights' name in an unsharded checkpoint directory. */
    public static final String SINGLE_FILE = "model.safetensors";

    private final Path dir;
    private final List<SafetensorsFile> files;
    private final boolean sharded;
    private final Map<String, SafetensorsFile> fileByTensor;
    private final List<TensorInfo> tensors;

    private Checkpoint(Path dir, List<SafetensorsFile> files, boolean sharded,
            Map<String, SafetensorsFile> fileByTensor) {
        this.dir = dir;
        this.files = List.copyOf(files);
        this.sharded = sharded;
        this.fileByTensor = fileByTensor;
        this.tensors = files.stream().flatMap(file -> file.tensors().stream()).toList();
    }

    /**
     * Opens and validates the checkpoint in {@code dir}.
     *
     * @throws CheckpointException naming the directory when it is not a checkpoint (not a directory, no
     *     {@code config.json}, no weights), or naming the file and tensor when a weight file or the index is bad, a
     *     tensor listed in the index is not in its shard, a shard holds a tensor the index does not list, or a tensor
     *     appears in two shards
     */
    public static Checkpoint open(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new CheckpointException(dir + ": not a directory");
        }
        if (!Files.isRegularFile(dir.resolve(CONFIG_FILE))) {
            throw new CheckpointException(dir + ": no " + CONFIG_FILE + ", so not a Hugging Face checkpoint");
        }
        Path single = dir.resolve(SINGLE_FILE);
        Path index = dir.resolve(ShardIndex.FILE_NAME);
        if (Files.isRegularFile(single)) {
            SafetensorsFile file = SafetensorsFile.open(single);
            Map<String, SafetensorsFile> byTensor = new LinkedHashMap<>();
            file.tensors().forEach(tensor -> byTensor.put(tensor.name(), file));
            return new Checkpoint(dir, List.of(file), false, byTensor);
        }
        if (Files.isRegularFile(index)) {
            return openShards(dir, ShardIndex.read(index));
        }
        throw new CheckpointException(dir + ": neither " + SINGLE_FILE + " nor " + ShardIndex.FILE_NAME);
    }

    private static Checkpoint openShards(Path dir, ShardIndex index) {
        List<SafetensorsFile> shards = new ArrayList<>();
        try {
            Map<String, SafetensorsFile> byTensor = new LinkedHashMap<>();
            for (String name : index.shardFiles()) {
                SafetensorsFile shard = SafetensorsFile.open(dir.resolve(name));
                shards.add(shard);
                for (TensorInfo tensor : shard.tensors()) {
                    SafetensorsFile other = byTensor.putIfAbsent(tensor.name(), shard);
                    if (other != null) {
                        throw new CheckpointException(dir + ": tensor " + tensor.name() + " appears in both "
                                + other.path().getFileName() + " and " + name);
                    }
                    String listed = index.weightMap().get(tensor.name());
                    if (!name.equals(listed)) {
                        throw new CheckpointException(shard.path() + ": tensor " + tensor.name() + " is in this shard"
                                + " but " + ShardIndex.FILE_NAME + (listed == null ? " does not list it"
                                        : " maps it to " + listed));
                    }
                }
            }
            for (Map.Entry<String, String> entry : index.weightMap().entrySet()) {
                if (!byTensor.containsKey(entry.getKey())) {
                    throw new CheckpointException(dir.resolve(entry.getValue()) + ": tensor " + entry.getKey()
                            + " is listed in " + ShardIndex.FILE_NAME + " but not in this shard");
                }
            }
            return new Checkpoint(dir, shards, true, byTensor);
        } catch (RuntimeException e) {
            for (SafetensorsFile shard : shards) {
                try {
                    shard.close();
                } catch (RuntimeException closing) {
                    e.addSuppressed(closing);
                }
            }
            throw e;
        }
    }

    /** The checkpoint directory, as given to {@link #open}. */
    public Path dir() {
        return dir;
    }

    /** {@code config.json} in the directory. */
    public Path configFile() {
        return dir.resolve(CONFIG_FILE);
    }

    /** Every tensor: weight files in shard order, each in header order. */
    public List<TensorInfo> tensors() {
        return tensors;
    }

    /** The tensor called {@code name}, if any weight file holds one. */
    public Optional<TensorInfo> info(String name) {
        SafetensorsFile file = fileByTensor.get(name);
        return file == null ? Optional.empty() : file.info(name);
    }

    /**
     * The tensor called {@code name}, checked to have {@code expectedShape}; what a loader calls for every weight it
     * expects, so that a wrong checkpoint fails on its first bad key with that key in the message.
     *
     * @throws CheckpointException "{@code <dir>: missing tensor X}", or
     *     "{@code <file>: tensor X has shape [a, b], expected [c, d]}"
     */
    public TensorInfo require(String name, long... expectedShape) {
        SafetensorsFile file = fileOrThrow(name);
        TensorInfo tensor = file.info(name).orElseThrow();
        if (!Arrays.equals(tensor.shape(), expectedShape)) {
            throw new CheckpointException(file.path() + ": tensor " + name + " has shape "
                    + Arrays.toString(tensor.shape()) + ", expected " + Arrays.toString(expectedShape));
        }
        return tensor;
    }

    /**
     * The bytes of tensor {@code name}, as {@link SafetensorsFile#bytes}: read-only, little-endian, memory-mapped.
     *
     * @throws CheckpointException "{@code <dir>: missing tensor X}", or as {@link SafetensorsFile#bytes}
     */
    public ByteBuffer bytes(String name) {
        return fileOrThrow(name).bytes(name);
    }

    /**
     * The weight file holding tensor {@code name}.
     *
     * @throws CheckpointException "{@code <dir>: missing tensor X}"
     */
    public Path fileOf(String name) {
        return fileOrThrow(name).path();
    }

    /** The weight files, in shard order. */
    public List<Path> weightFiles() {
        return files.stream().map(SafetensorsFile::path).toList();
    }

    /** Whether the weights come from an index and its shards rather than one {@code model.safetensors}. */
    public boolean isSharded() {
        return sharded;
    }

    /** Closes every weight file; all are attempted even if one fails. */
    @Override
    public void close() {
        CheckpointException failure = null;
        for (SafetensorsFile file : files) {
            try {
                file.close();
            } catch (CheckpointException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    private SafetensorsFile fileOrThrow(String name) {
        SafetensorsFile file = fileByTensor.get(name);
        if (file == null) {
            throw new CheckpointException(dir + ": missing tensor " + name);
        }
        return file;
    }
}
