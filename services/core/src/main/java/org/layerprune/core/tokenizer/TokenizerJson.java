package org.layerprune.core.tokenizer;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.OptionalInt;

/**
 * What layerprune reads from a tokenizer.json itself, because DJL's tokenizer exposes neither the
 * vocabulary nor a token-to-id lookup: the id of a special token, the vocabulary size, and the
 * special tokens that the {@code post_processor} puts around the text.
 *
 * <p>Only used while a {@link Tokenizer} is loaded; the parsed tree is dropped afterwards.
 */
final class TokenizerJson {

    private static final ObjectMapper JSON =
            new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private final Path file;
    private final JsonNode root;

    private TokenizerJson(Path file, JsonNode root) {
        this.file = file;
        this.root = root;
    }

    /**
     * Parses tokenizer.json and checks the parts layerprune relies on.
     *
     * @param file where the bytes came from, named in errors
     * @param json the file's content
     */
    static TokenizerJson parse(Path file, byte[] json) throws IOException {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (IOException e) {
            throw new IOException(file + ": malformed tokenizer.json: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new IOException(file + ": malformed tokenizer.json: not a JSON object");
        }
        JsonNode vocab = root.path("model").path("vocab");
        if (!vocab.isObject() && !vocab.isArray()) {
            throw new IOException(file + ": malformed tokenizer.json: model.vocab is missing");
        }
        return new TokenizerJson(file, root);
    }

    Path file() {
        return file;
    }

    /**
     * The id of a token, looked up as HF does: added tokens first, then the model's vocabulary
     * (an object of token to id for BPE, WordPiece and WordLevel; a list of [piece, score] pairs
     * for Unigram, where the id is the position).
     */
    OptionalInt idOf(String token) {
        for (JsonNode added : root.path("added_tokens")) {
            if (token.equals(added.path("content").asText(null))) {
                return OptionalInt.of(added.path("id").asInt());
            }
        }
        JsonNode vocab = root.path("model").path("vocab");
        if (vocab.isObject()) {
            JsonNode id = vocab.get(token);
            return id != null && id.canConvertToInt()
                    ? OptionalInt.of(id.asInt())
                    : OptionalInt.empty();
        }
        for (int id = 0; id < vocab.size(); id++) {
            if (token.equals(vocab.get(id).path(0).asText(null))) {
                return OptionalInt.of(id);
            }
        }
        return OptionalInt.empty();
    }

    /**
     * One more than the largest id the tokenizer can produce, counting added tokens (HF's
     * {@code len(tokenizer)}). A model's embedding may have more rows than this (padded).
     */
    int vocabSize() {
        JsonNode vocab = root.path("model").path("vocab");
        int maxId = -1;
        if (vocab.isArray()) {
            maxId = vocab.size() - 1;
        } else {
            for (Iterator<JsonNode> ids = vocab.elements(); ids.hasNext(); ) {
                maxId = Math.max(maxId, ids.next().asInt());
            }
        }
        for (JsonNode added : root.path("added_tokens")) {
            maxId = Math.max(maxId, added.path("id").asInt());
        }
        return maxId + 1;
    }

    /** The special token the post-processor's template puts first, before the text: a BOS. */
    OptionalInt templateBos() {
        JsonNode single = template().path("single");
        for (JsonNode piece : single) {
            if (piece.has("Sequence")) {
                return OptionalInt.empty();
            }
            if (piece.has("SpecialToken")) {
                return templateId(piece);
            }
        }
        return OptionalInt.empty();
    }

    /** The special token the post-processor's template puts last, after the text: an EOS. */
    OptionalInt templateEos() {
        JsonNode single = template().path("single");
        for (int i = single.size() - 1; i >= 0; i--) {
            JsonNode piece = single.get(i);
            if (piece.has("Sequence")) {
                return OptionalInt.empty();
            }
            if (piece.has("SpecialToken")) {
                return templateId(piece);
            }
        }
        return OptionalInt.empty();
    }

    /**
     * The {@code TemplateProcessing} post-processor, on its own or inside a {@code Sequence} (as in
     * Llama 3), or a missing node when there is none. Other post-processors (BERT, RoBERTa) still
     * add their tokens through the HF library; only their BOS/EOS ids go unreported.
     */
    private JsonNode template() {
        JsonNode processor = root.path("post_processor");
        if ("Sequence".equals(processor.path("type").asText())) {
            for (JsonNode inner : processor.path("processors")) {
                if ("TemplateProcessing".equals(inner.path("type").asText())) {
                    return inner;
                }
            }
        }
        return "TemplateProcessing".equals(processor.path("type").asText())
                ? processor
                : MissingNode.getInstance();
    }

    private OptionalInt templateId(JsonNode piece) {
        String name = piece.path("SpecialToken").path("id").asText();
        JsonNode ids = template().path("special_tokens").path(name).path("ids");
        return ids.size() == 1 ? OptionalInt.of(ids.get(0).asInt()) : OptionalInt.empty();
    }
}
