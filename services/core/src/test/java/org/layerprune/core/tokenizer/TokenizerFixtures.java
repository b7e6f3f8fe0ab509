package org.layerprune.core.tokenizer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Small tokenizer.json files written by the tests themselves: a whitespace-split word-level
 * vocabulary with {@code <unk>} = 0, {@code <s>} = 1, {@code </s>} = 2 and then {@link #WORDS}.
 */
public final class TokenizerFixtures {

    public static final int UNK = 0;
    public static final int BOS = 1;
    public static final int EOS = 2;
    public static final List<String> WORDS = List.of("the", "cat", "sat", "on", "mat", "a", "dog");
    /** Three special tokens, then the words. */
    public static final int VOCAB_SIZE = 3 + WORDS.size();

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> SPECIALS = List.of("<unk>", "<s>", "</s>");

    private TokenizerFixtures() {}

    /** The id of one of {@link #WORDS}. */
    public static int id(String word) {
        int index = WORDS.indexOf(word);
        if (index < 0) {
            throw new IllegalArgumentException(word);
        }
        return 3 + index;
    }

    /** A WordLevel tokenizer whose TemplateProcessing post-processor puts {@code <s>} first. */
    public static ObjectNode wordLevelWithBosTemplate() {
        ObjectNode root = JSON.createObjectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        root.putArray("added_tokens");
        for (int id = 0; id < SPECIALS.size(); id++) {
            addSpecialToken(root, id, SPECIALS.get(id));
        }
        root.putNull("normalizer");
        root.putObject("pre_tokenizer").put("type", "Whitespace");
        root.set("post_processor", bosTemplate());
        root.putNull("decoder");
        ObjectNode model = root.putObject("model");
        model.put("type", "WordLevel");
        ObjectNode vocab = model.putObject("vocab");
        for (int id = 0; id < SPECIALS.size(); id++) {
            vocab.put(SPECIALS.get(id), id);
        }
        for (String word : WORDS) {
            vocab.put(word, id(word));
        }
        model.put("unk_token", "<unk>");
        return root;
    }

    /** Adds a special token to tokenizer.json's {@code added_tokens}. */
    public static void addSpecialToken(ObjectNode tokenizerJson, int id, String content) {
        ((ArrayNode) tokenizerJson.get("added_tokens"))
                .addObject()
                .put("id", id)
                .put("content", content)
                .put("single_word", false)
                .put("lstrip", false)
                .put("rstrip", false)
                .put("normalized", false)
                .put("special", true);
    }

    /** The same vocabulary as a Unigram model: a list of [piece, score], the id is the position. */
    public static ObjectNode unigramWithoutPostProcessor() {
        ObjectNode root = wordLevelWithBosTemplate();
        root.putArray("added_tokens");
        root.putNull("post_processor");
        ObjectNode model = root.putObject("model");
        model.put("type", "Unigram");
        model.put("unk_id", UNK);
        ArrayNode vocab = model.putArray("vocab");
        for (String special : SPECIALS) {
            vocab.addArray().add(special).add(0.0);
        }
        for (String word : WORDS) {
            vocab.addArray().add(word).add(-1.0);
        }
        return root;
    }

    /** Writes tokenizer.json into a checkpoint directory. */
    public static Path writeTokenizerJson(Path dir, ObjectNode tokenizerJson) throws IOException {
        Path file = dir.resolve("tokenizer.json");
        JSON.writeValue(file.toFile(), tokenizerJson);
        return file;
    }

    /** Writes tokenizer_config.json into a checkpoint directory. */
    public static Path writeConfig(Path dir, String json) throws IOException {
        return Files.writeString(dir.resolve("tokenizer_config.json"), json);
    }

    /** A checkpoint directory whose tokenizer adds {@code <s>} through its post-processor only. */
    public static Tokenizer bosAddingTokenizer(Path dir) throws IOException {
        writeTokenizerJson(dir, wordLevelWithBosTemplate());
        return Tokenizer.fromCheckpoint(dir).orElseThrow();
    }

    private static ObjectNode bosTemplate() {
        ObjectNode processor = JSON.createObjectNode();
        processor.put("type", "TemplateProcessing");
        ArrayNode single = processor.putArray("single");
        single.addObject().putObject("SpecialToken").put("id", "<s>").put("type_id", 0);
        single.addObject().putObject("Sequence").put("id", "A").put("type_id", 0);
        ArrayNode pair = processor.putArray("pair");
        pair.addObject().putObject("SpecialToken").put("id", "<s>").put("type_id", 0);
        pair.addObject().putObject("Sequence").put("id", "A").put("type_id", 0);
        pair.addObject().putObject("Sequence").put("id", "B").put("type_id", 1);
        ObjectNode bos = processor.putObject("special_tokens").putObject("<s>");
        bos.put("id", "<s>");
        bos.putArray("ids").add(BOS);
        bos.putArray("tokens").add("<s>");
        return processor;
    }
}
