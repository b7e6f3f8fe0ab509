package org.layerprune.core.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * {@code model.safetensors.index.json}, which says which shard of a sharded checkpoint holds each tensor:
 * {@code {"metadata": {"total_size": N}, "weight_map": {tensor: file}}}.
 *
 * <p>Shard names come from the file and are used to open files, so they must be plain file names in the checkpoint
 * directory: an entry such as {@code ../x.safetensors} or {@code /etc/x} is rejected rather than followed.
 */
public final class ShardIndex {

    /** The index's name in a checkpoint directory. */
    public static final String FILE_NAME = "model.safetensors.index.json";

    private final OptionalLong totalSize;
    private final Map<String, String> weightMap;

    /**
     * An index to write.
     *
     * @param totalSize sum of the tensors' byte lengths, as transformers writes it
     * @param weightMap tensor name to shard file name
     * @throws IllegalArgumentException when a shard name is not a plain file name
     */
    public ShardIndex(long totalSize, Map<String, String> weightMap) {
        this(OptionalLong.of(totalSize), weightMap);
        weightMap.forEach((tensor, file) -> {
            if (!isPlainFileName(file)) {
                throw new IllegalArgumentException("tensor " + tensor + " maps to " + file + ", not a plain file name");
            }
        });
    }

    private ShardIndex(OptionalLong totalSize, Map<String, String> weightMap) {
        this.totalSize = totalSize;
        this.weightMap = Collections.unmodifiableMap(new LinkedHashMap<>(weightMap));
    }

    /**
     * Reads and validates {@code indexFile}: well-formed JSON with a {@code weight_map} of strings, every shard a
     * plain file name that exists next to the index.
     *
     * @throws CheckpointException naming the index file, and the entry at fault if there is one
     */
    public static ShardIndex read(Path indexFile) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(indexFile);
        } catch (IOException e) {
            throw new CheckpointException(indexFile + ": cannot read: " + e, e);
        }
        ObjectNode root = Json.parseObject(indexFile, bytes, "index");
        JsonNode map = root.get("weight_map");
        if (map == null || !map.isObject()) {
            throw new CheckpointException(indexFile + ": weight_map is missing or not a JSON object");
        }
        Path dir = indexFile.toAbsolutePath().getParent();
        Map<String, String> weightMap = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> entry : map.properties()) {
            String tensor = entry.getKey();
            if (!entry.getValue().isTextual()) {
                throw new CheckpointException(indexFile + ": weight_map entry " + tensor + " is not a file name");
            }
            String file = entry.getValue().textValue();
            if (!isPlainFileName(file)) {
                throw new CheckpointException(indexFile + ": weight_map entry " + tensor + " names " + file
                        + ", which is not a plain file name in the checkpoint directory");
            }
            if (!Files.isRegularFile(dir.resolve(file))) {
                throw new CheckpointException(indexFile + ": weight_map entry " + tensor + " names missing shard "
                        + file);
            }
            weightMap.put(tensor, file);
        }
        return new ShardIndex(totalSize(indexFile, root), weightMap);
    }

    /**
     * Writes the index as transformers does: keys sorted, indented by two spaces. Written in place; callers that
     * need atomicity write into a directory that is moved afterwards, as {@link CheckpointWriter} does.
     *
     * @throws CheckpointException naming the file when it cannot be written
     */
    public void write(Path indexFile) {
        ObjectNode root = Json.MAPPER.createObjectNode();
        ObjectNode metadata = root.putObject("metadata");
        totalSize.ifPresent(size -> metadata.put("total_size", size));
        ObjectNode map = root.putObject("weight_map");
        new TreeMap<>(weightMap).forEach(map::put);
        try {
            Files.write(indexFile, Json.pretty(root));
        } catch (IOException e) {
            throw new CheckpointException(indexFile + ": cannot write: " + e, e);
        }
    }

    /** {@code metadata.total_size}, when the index has one. */
    public OptionalLong totalSize() {
        return totalSize;
    }

    /** Tensor name to shard file name, in file order. */
    public Map<String, String> weightMap() {
        return weightMap;
    }

    /** The distinct shard file names, sorted, which for transformers' {@code model-0000i-of-0000n} is shard order. */
    public List<String> shardFiles() {
        return weightMap.values().stream().distinct().sorted().toList();
    }

    private static OptionalLong totalSize(Path indexFile, ObjectNode root) {
        JsonNode size = root.path("metadata").path("total_size");
        if (size.isMissingNode()) {
            return OptionalLong.empty();
        }
        if (!size.isIntegralNumber() || !size.canConvertToLong() || size.longValue() < 0) {
            throw new CheckpointException(indexFile + ": metadata.total_size " + size
                    + " is not a non-negative integer");
        }
        return OptionalLong.of(size.longValue());
    }

    private static boolean isPlainFileName(String name) {
        return !name.isEmpty() && !name.equals(".") && !name.equals("..")
                && name.indexOf('/') < 0 && name.indexOf('\\') < 0 && name.indexOf('\0') < 0;
    }
}
