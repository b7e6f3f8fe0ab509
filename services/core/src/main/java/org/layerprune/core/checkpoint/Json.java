package org.layerprune.core.checkpoint;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The one JSON configuration for checkpoint files. They are untrusted input, so reading is strict: the bytes must
 * be UTF-8 (Jackson would otherwise guess UTF-16 or UTF-32), a key may appear only once, and nothing may follow the
 * value but whitespace. Writing is compact for safetensors headers and indented like Python's
 * {@code json.dumps(indent=2)} for the JSON files people read, such as a rewritten {@code config.json}. Object keys
 * keep their order both ways.
 */
public final class Json {

    static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private static final DefaultIndenter INDENTER = new DefaultIndenter("  ", "\n");

    private static final ObjectWriter PRETTY = MAPPER.writer(new DefaultPrettyPrinter(Separators.createDefaultInstance()
                    .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
                    .withObjectEmptySeparator("")
                    .withArrayEmptySeparator(""))
            .withObjectIndenter(INDENTER)
            .withArrayIndenter(INDENTER));

    private Json() {
    }

    /**
     * Decodes UTF-8 that must be well formed: a malformed byte is an error, never a replacement character
     * that would let a damaged file pass for a good one.
     */
    public static String strictUtf8(byte[] utf8) throws CharacterCodingException {
        return StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(utf8))
                .toString();
    }

    /**
     * Parses {@code utf8} as one JSON object.
     *
     * @param file where the bytes came from (or are going), for the message
     * @param what what the bytes are, e.g. "header", for the message
     * @throws CheckpointException naming {@code file} when the bytes are not UTF-8 or not a JSON object
     */
    public static ObjectNode parseObject(Path file, byte[] utf8, String what) {
        String text;
        try {
            text = strictUtf8(utf8);
        } catch (CharacterCodingException e) {
            throw new CheckpointException(file + ": " + what + " is not valid UTF-8", e);
        }
        JsonNode root;
        try {
            root = MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw new CheckpointException(file + ": " + what + " is not well-formed JSON: " + e.getOriginalMessage(),
                    e);
        }
        if (root == null || !root.isObject()) {
            throw new CheckpointException(file + ": " + what + " is not a JSON object");
        }
        return (ObjectNode) root;
    }

    /** Compact UTF-8 JSON, no whitespace. */
    static byte[] compact(JsonNode node) {
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JsonNode tree always serialises", e);
        }
    }

    /** UTF-8 JSON indented by two spaces, ending with a newline. */
    public static byte[] pretty(JsonNode node) {
        try {
            return (PRETTY.writeValueAsString(node) + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JsonNode tree always serialises", e);
        }
    }
}
