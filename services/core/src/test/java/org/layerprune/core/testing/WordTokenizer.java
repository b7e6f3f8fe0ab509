package org.layerprune.core.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Writes a word-level tokenizer.json (HF tokenizers' WordLevel model with the Whitespace pre-tokenizer)
 * whose vocabulary is {@code <unk>} = 0, {@code <s>} = 1, {@code </s>} = 2, then every word and punctuation
 * run of the given texts in order of first appearance. No post-processor: encoding adds nothing.
 */
public final class WordTokenizer {

    // The Whitespace pre-tokenizer's split: runs of word characters, or of other non-space characters.
    private static final Pattern PIECE = Pattern.compile("\\w+|[^\\w\\s]+");

    private WordTokenizer() {
    }

    /** @return the vocabulary size */
    public static int write(Path dir, List<String> texts) throws IOException {
        Set<String> words = new LinkedHashSet<>(List.of("<unk>", "<s>", "</s>"));
        for (String text : texts) {
            Matcher m = PIECE.matcher(text);
            while (m.find()) {
                words.add(m.group());
            }
        }
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = json.createObjectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        ArrayNode added = root.putArray("added_tokens");
        List<String> specials = List.of("<unk>", "<s>", "</s>");
        for (int id = 0; id < specials.size(); id++) {
            added.addObject().put("id", id).put("content", specials.get(id)).put("single_word", false)
                    .put("lstrip", false).put("rstrip", false).put("normalized", false).put("special", true);
        }
        root.putNull("normalizer");
        root.putObject("pre_tokenizer").put("type", "Whitespace");
        root.putNull("post_processor");
        root.putNull("decoder");
        ObjectNode model = root.putObject("model");
        model.put("type", "WordLevel");
        ObjectNode vocab = model.putObject("vocab");
        int id = 0;
        for (String word : words) {
            vocab.put(word, id++);
        }
        model.put("unk_token", "<unk>");
        Files.writeString(dir.resolve("tokenizer.json"), json.writeValueAsString(root));
        return words.size();
    }
}
