package org.layerprune.core.similarity;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Pattern;
import org.layerprune.core.checkpoint.Json;

/**
 * A {@link ProbeResult} as the contract JSON that other tools (pruning, notebooks, Python scripts) read:
 *
 * <pre>{@code
 * {
 *   "metric": "angular-last-token",
 *   "layers": L,
 *   "samples": N,
 *   "tokens": T,
 *   "distances": {"1": [d(l = 0), ..., d(l = L-1)], "2": [d(l = 0), ..., d(l = L-2)], ..., "L-1": [d, d]},
 *   "best": {"1": l*(1), ..., "L-1": l*(L-1)},
 *   "model_hash": "..."
 * }
 * }</pre>
 *
 * <p>Keys of {@code distances} and {@code best} are block sizes n as decimal strings, written in increasing order
 * of n; row n holds the L - n + 1 starts l = 0..L-n. Doubles are written with {@link Double#toString}, which reads
 * back to the same bits. JSON has no NaN or infinity, so a result with one cannot be written.
 *
 * <p>Reading is strict, since the file may come from another tool: UTF-8 only, no duplicate keys, every field
 * present with the right type, exactly the block sizes 1..L-1 (in any order: Python's {@code sort_keys} puts "10"
 * before "2"), every row of the right length, and {@code best} agreeing with the distances. Fields not in the
 * contract are ignored, so it can grow. Every error names the file and the field at fault.
 */
public final class ProbeJson {

    /** The report's name for this file. */
    public static final String FILE_NAME = "probe.json";

    private static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    /** Objects indented by two spaces, arrays on one line: one row of distances per line. */
    private static final ObjectWriter PRETTY = MAPPER.writer(new DefaultPrettyPrinter(Separators.createDefaultInstance()
                    .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
                    .withArrayValueSpacing(Separators.Spacing.AFTER)
                    .withObjectEmptySeparator("")
                    .withArrayEmptySeparator(""))
            .withObjectIndenter(new DefaultIndenter("  ", "\n"))
            .withArrayIndenter(new DefaultPrettyPrinter.NopIndenter()));

    /** A block size as written: decimal, no sign, no leading zero. */
    private static final Pattern BLOCK_SIZE = Pattern.compile("[1-9][0-9]{0,8}");

    private ProbeJson() {
    }

    /**
     * The contract JSON of {@code result}, indented, ending with a newline.
     *
     * @throws IllegalArgumentException naming the cell, e.g. {@code distances.2[3]}, when a distance is NaN or
     *     infinite
     */
    public static String toJson(ProbeResult result) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("metric", result.metric());
        root.put("layers", result.layers());
        root.put("samples", result.samples());
        root.put("tokens", result.tokens());
        ObjectNode distances = root.putObject("distances");
        ObjectNode best = root.putObject("best");
        for (int n = 1; n < result.layers(); n++) {
            ArrayNode row = distances.putArray(Integer.toString(n));
            for (double d : result.row(n)) {
                if (!Double.isFinite(d)) {
                    throw new IllegalArgumentException("distances." + n + "[" + row.size() + "] is " + d
                            + "; JSON has no NaN or infinity");
                }
                row.add(d);
            }
            best.put(Integer.toString(n), result.best(n));
        }
        root.put("model_hash", result.modelHash());
        try {
            return PRETTY.writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JsonNode tree always serialises", e);
        }
    }

    /**
     * Writes {@link #toJson} to {@code file} as UTF-8, replacing it. Not atomic; {@link ProbeReport} is.
     *
     * @throws IllegalArgumentException when a distance is NaN or infinite
     * @throws ProbeFileException naming the file when it cannot be written
     */
    public static void write(ProbeResult result, Path file) {
        String json = toJson(result);
        try {
            Files.writeString(file, json, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ProbeFileException(file, null, "cannot write: " + e, e);
        }
    }

    /**
     * Reads and checks a probe file written by {@link #write} or by any tool that keeps the contract.
     *
     * @throws ProbeFileException naming the file, and the field when one is at fault
     */
    public static ProbeResult read(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new ProbeFileException(file, null, "cannot read: " + e, e);
        }
        JsonNode root = parse(file, bytes);

        String metric = text(file, root, "metric");
        int layers = (int) integer(file, root, "layers", 2, Integer.MAX_VALUE);
        int samples = (int) integer(file, root, "samples", 0, Integer.MAX_VALUE);
        long tokens = integer(file, root, "tokens", 0, Long.MAX_VALUE);
        String modelHash = text(file, root, "model_hash");

        JsonNode distancesNode = blockSizeObject(file, root, "distances", layers);
        double[][] distances = new double[layers - 1][]; // [n - 1][l], L - n + 1 starts per row
        for (int n = 1; n < layers; n++) {
            distances[n - 1] = row(file, distancesNode.get(Integer.toString(n)), "distances." + n, layers - n + 1);
        }
        ProbeResult result = new ProbeResult(metric, layers, samples, tokens, distances, modelHash);

        JsonNode bestNode = blockSizeObject(file, root, "best", layers);
        for (int n = 1; n < layers; n++) {
            String field = "best." + n;
            JsonNode value = bestNode.get(Integer.toString(n));
            if (!value.isIntegralNumber() || !value.canConvertToInt()) {
                throw new ProbeFileException(file, field, "expected an integer start layer, got " + value);
            }
            if (value.intValue() != result.best(n)) {
                throw new ProbeFileException(file, field, "says l* = " + value.intValue() + " but the smallest"
                        + " distance of distances." + n + " is at l = " + result.best(n));
            }
        }
        return result;
    }

    private static JsonNode parse(Path file, byte[] utf8) {
        String text;
        try {
            text = Json.strictUtf8(utf8);
        } catch (CharacterCodingException e) {
            throw new ProbeFileException(file, null, "not valid UTF-8", e);
        }
        JsonNode root;
        try {
            root = MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw new ProbeFileException(file, null, "not well-formed JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new ProbeFileException(file, null, "not a JSON object");
        }
        return root;
    }

    private static JsonNode required(Path file, JsonNode parent, String key) {
        JsonNode value = parent.get(key);
        if (value == null) {
            throw new ProbeFileException(file, key, "missing");
        }
        return value;
    }

    private static String text(Path file, JsonNode root, String key) {
        JsonNode value = required(file, root, key);
        if (!value.isTextual()) {
            throw new ProbeFileException(file, key, "expected a string, got " + value);
        }
        return value.textValue();
    }

    private static long integer(Path file, JsonNode root, String key, long min, long max) {
        JsonNode value = required(file, root, key);
        if (!value.isIntegralNumber() || !value.canConvertToLong()
                || value.longValue() < min || value.longValue() > max) {
            throw new ProbeFileException(file, key, "expected an integer in [" + min + ", " + max + "], got "
                    + value);
        }
        return value.longValue();
    }

    /** An object keyed by exactly the block sizes "1".."L-1", in any order. */
    private static JsonNode blockSizeObject(Path file, JsonNode root, String key, int layers) {
        JsonNode value = required(file, root, key);
        if (!value.isObject()) {
            throw new ProbeFileException(file, key, "expected an object keyed by block size, got "
                    + value.getNodeType());
        }
        for (Map.Entry<String, JsonNode> entry : value.properties()) {
            String name = entry.getKey();
            if (!BLOCK_SIZE.matcher(name).matches() || Integer.parseInt(name) >= layers) {
                throw new ProbeFileException(file, key + "." + name, "not a block size of a " + layers
                        + "-layer model; expected \"1\"..\"" + (layers - 1) + "\"");
            }
        }
        for (int n = 1; n < layers; n++) {
            if (!value.has(Integer.toString(n))) {
                throw new ProbeFileException(file, key + "." + n, "missing; layers = " + layers + " needs block"
                        + " sizes 1.." + (layers - 1));
            }
        }
        return value;
    }

    private static double[] row(Path file, JsonNode node, String field, int starts) {
        if (!node.isArray()) {
            throw new ProbeFileException(file, field, "expected an array of distances, got " + node.getNodeType());
        }
        if (node.size() != starts) {
            throw new ProbeFileException(file, field, "has " + node.size() + " distances; a block of this size"
                    + " has " + starts + " starts, l = 0.." + (starts - 1));
        }
        double[] row = new double[starts];
        for (int l = 0; l < starts; l++) {
            JsonNode d = node.get(l);
            if (!d.isNumber() || !Double.isFinite(d.doubleValue())) {
                throw new ProbeFileException(file, field + "[" + l + "]", "expected a finite number, got " + d);
            }
            row[l] = d.doubleValue();
        }
        return row;
    }
}
