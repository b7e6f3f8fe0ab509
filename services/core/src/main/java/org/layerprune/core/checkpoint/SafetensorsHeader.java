package org.layerprune.core.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The JSON header of a safetensors file, and the format's rules in one place, so that reading a file and writing one
 * check exactly the same things.
 *
 * <p>A file is {@code u64 n} (little-endian), then {@code n} bytes of UTF-8 JSON, then the data section. The JSON
 * maps each tensor name to {@code {"dtype", "shape", "data_offsets": [begin, end]}} and may hold a string-to-string
 * {@code "__metadata__"}. Sorted by {@code begin}, the byte ranges must tile the data section exactly: they start at
 * 0, neither overlap nor leave holes, and end at its last byte (the reference implementation's rule).
 *
 * @param tensors in header order (the JSON object's key order)
 * @param metadata the {@code __metadata__} entries, empty when absent
 */
record SafetensorsHeader(List<TensorInfo> tensors, Map<String, String> metadata) {

    /** The reference implementation's limit, checked before a byte of the header is read. */
    static final long MAX_HEADER_BYTES = 100_000_000L;

    static final String METADATA_KEY = "__metadata__";

    SafetensorsHeader {
        tensors = List.copyOf(tensors);
        metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    }

    /**
     * Parses and validates the header of {@code file}.
     *
     * @param json the {@code n} header bytes
     * @param dataBytes size of the data section, {@code fileSize - 8 - n}
     * @throws CheckpointException naming the file, and the tensor at fault if there is one
     */
    static SafetensorsHeader parse(Path file, byte[] json, long dataBytes) {
        ObjectNode root = Json.parseObject(file, json, "header");
        Map<String, String> metadata = Map.of();
        List<TensorInfo> tensors = new ArrayList<>();
        for (Map.Entry<String, JsonNode> field : root.properties()) {
            if (field.getKey().equals(METADATA_KEY)) {
                metadata = parseMetadata(file, field.getValue());
            } else {
                tensors.add(parseTensor(file, field.getKey(), field.getValue()));
            }
        }
        return validated(file, tensors, metadata, dataBytes);
    }

    /**
     * Checks what the format requires of a whole header: unique names, none of them {@code __metadata__}, and byte
     * ranges that tile a data section of {@code dataBytes} bytes.
     *
     * @throws CheckpointException naming the file, and the tensor at fault if there is one
     */
    static SafetensorsHeader validated(Path file, List<TensorInfo> tensors, Map<String, String> metadata,
            long dataBytes) {
        Set<String> names = new HashSet<>();
        for (TensorInfo tensor : tensors) {
            if (tensor.name().equals(METADATA_KEY)) {
                throw new CheckpointException(file + ": " + METADATA_KEY + " is reserved and cannot name a tensor");
            }
            if (!names.add(tensor.name())) {
                throw new CheckpointException(file + ": tensor " + tensor.name() + " appears twice");
            }
        }
        checkTiling(file, tensors, dataBytes);
        return new SafetensorsHeader(tensors, metadata);
    }

    /**
     * A tensor entry, or an error naming the file and tensor instead of {@link TensorInfo}'s bare
     * {@link IllegalArgumentException}.
     */
    static TensorInfo tensor(Path file, String name, DType dtype, long[] shape, long begin, long end) {
        try {
            return new TensorInfo(name, dtype, shape, begin, end);
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(file + ": tensor " + name + ": " + e.getMessage(), e);
        }
    }

    /**
     * The header as written to disk: compact JSON, {@code __metadata__} first, then the tensors in order, padded with
     * spaces to a multiple of 8 bytes as the reference implementation does, so that the data section starts aligned.
     *
     * @throws CheckpointException naming {@code file} when the header would exceed {@link #MAX_HEADER_BYTES}
     */
    byte[] encode(Path file) {
        ObjectNode root = Json.MAPPER.createObjectNode();
        if (!metadata.isEmpty()) {
            ObjectNode meta = root.putObject(METADATA_KEY);
            metadata.forEach(meta::put);
        }
        for (TensorInfo tensor : tensors) {
            ObjectNode entry = root.putObject(tensor.name());
            entry.put("dtype", tensor.dtype().name());
            ArrayNode shape = entry.putArray("shape");
            Arrays.stream(tensor.shape()).forEach(shape::add);
            entry.putArray("data_offsets").add(tensor.begin()).add(tensor.end());
        }
        byte[] json = Json.compact(root);
        int padded = (json.length + 7) / 8 * 8;
        if (padded > MAX_HEADER_BYTES) {
            throw new CheckpointException(file + ": header would be " + padded + " bytes, over the "
                    + MAX_HEADER_BYTES + "-byte limit readers enforce");
        }
        byte[] out = Arrays.copyOf(json, padded);
        Arrays.fill(out, json.length, padded, (byte) ' ');
        return out;
    }

    private static Map<String, String> parseMetadata(Path file, JsonNode node) {
        if (node.isNull()) {
            return Map.of();
        }
        if (!node.isObject()) {
            throw new CheckpointException(file + ": " + METADATA_KEY + " is not a JSON object");
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> entry : node.properties()) {
            if (!entry.getValue().isTextual()) {
                throw new CheckpointException(file + ": " + METADATA_KEY + " entry " + entry.getKey()
                        + " is not a string");
            }
            metadata.put(entry.getKey(), entry.getValue().textValue());
        }
        return metadata;
    }

    private static TensorInfo parseTensor(Path file, String name, JsonNode node) {
        if (!node.isObject()) {
            throw new CheckpointException(file + ": tensor " + name + ": entry is not a JSON object");
        }
        JsonNode dtypeNode = node.get("dtype");
        if (dtypeNode == null || !dtypeNode.isTextual()) {
            throw new CheckpointException(file + ": tensor " + name + ": dtype is missing or not a string");
        }
        DType dtype;
        try {
            dtype = DType.parse(dtypeNode.textValue());
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(file + ": tensor " + name + ": " + e.getMessage(), e);
        }
        long[] shape = longs(file, name, node, "shape");
        long[] offsets = longs(file, name, node, "data_offsets");
        if (offsets.length != 2) {
            throw new CheckpointException(file + ": tensor " + name + ": data_offsets has " + offsets.length
                    + " entries, not [begin, end]");
        }
        return tensor(file, name, dtype, shape, offsets[0], offsets[1]);
    }

    /** A JSON array of non-negative integers that fit a long. */
    private static long[] longs(Path file, String tensor, JsonNode entry, String key) {
        JsonNode array = entry.get(key);
        if (array == null || !array.isArray()) {
            throw new CheckpointException(file + ": tensor " + tensor + ": " + key + " is missing or not an array");
        }
        long[] values = new long[array.size()];
        for (int i = 0; i < values.length; i++) {
            JsonNode value = array.get(i);
            if (!value.isIntegralNumber() || !value.canConvertToLong() || value.longValue() < 0) {
                throw new CheckpointException(file + ": tensor " + tensor + ": " + key + " holds " + value
                        + ", not a non-negative integer");
            }
            values[i] = value.longValue();
        }
        return values;
    }

    private static void checkTiling(Path file, List<TensorInfo> tensors, long dataBytes) {
        List<TensorInfo> byOffset = new ArrayList<>(tensors);
        byOffset.sort(Comparator.comparingLong(TensorInfo::begin).thenComparingLong(TensorInfo::end));
        long covered = 0;
        TensorInfo previous = null;
        for (TensorInfo tensor : byOffset) {
            String at = file + ": tensor " + tensor.name() + ": data_offsets [" + tensor.begin() + ", "
                    + tensor.end() + "]";
            if (tensor.end() > dataBytes) {
                throw new CheckpointException(at + " run past the end of the " + dataBytes
                        + "-byte data section (truncated file?)");
            }
            if (tensor.begin() < covered) {
                throw new CheckpointException(at + " overlap tensor " + previous.name() + " ["
                        + previous.begin() + ", " + previous.end() + "]");
            }
            if (tensor.begin() > covered) {
                throw new CheckpointException(at + " leave a hole of " + (tensor.begin() - covered) + " bytes after "
                        + (previous == null ? "the start of the data section" : "tensor " + previous.name()));
            }
            covered = tensor.end();
            previous = tensor;
        }
        if (covered != dataBytes) {
            throw new CheckpointException(file + ": " + (dataBytes - covered) + " trailing bytes after the last tensor"
                    + " (tensors cover " + covered + " of " + dataBytes + " data bytes)");
        }
    }
}
