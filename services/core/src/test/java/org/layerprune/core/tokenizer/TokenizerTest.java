package org.layerprune.core.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.layerprune.core.tokenizer.TokenizerFixtures.BOS;
import static org.layerprune.core.tokenizer.TokenizerFixtures.EOS;
import static org.layerprune.core.tokenizer.TokenizerFixtures.id;
import static org.layerprune.core.tokenizer.TokenizerFixtures.writeConfig;
import static org.layerprune.core.tokenizer.TokenizerFixtures.writeTokenizerJson;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenizerTest {

    @TempDir Path dir;

    @Test
    void isAbsentForACheckpointWithoutTokenizerJson() throws IOException {
        assertTrue(Tokenizer.fromCheckpoint(dir).isEmpty());
    }

    @Test
    void addsTheBosOfThePostProcessorWhenThereIsNoConfig() throws IOException {
        try (Tokenizer tokenizer = TokenizerFixtures.bosAddingTokenizer(dir)) {
            assertArrayEquals(
                    new int[] {BOS, id("the"), id("cat"), id("sat")},
                    tokenizer.encode("the cat sat"));
            assertEquals(OptionalInt.of(BOS), tokenizer.bosId());
            assertEquals(OptionalInt.empty(), tokenizer.eosId());
        }
    }

    @Test
    void doesNotTruncateA2000TokenText() throws IOException {
        String text = String.join(" ", Collections.nCopies(2000, "dog"));
        try (Tokenizer tokenizer = TokenizerFixtures.bosAddingTokenizer(dir)) {
            int[] ids = tokenizer.encode(text);
            assertEquals(1 + 2000, ids.length);
            assertEquals(BOS, ids[0]);
            assertEquals(id("dog"), ids[2000]);
        }
    }

    @Test
    void addBosTokenFalseInTheConfigOverridesThePostProcessor() throws IOException {
        writeTokenizerJson(dir, TokenizerFixtures.wordLevelWithBosTemplate());
        writeConfig(
                dir,
                """
                {"add_bos_token": false, "add_eos_token": false,
                 "bos_token": "<s>", "eos_token": "</s>"}""");
        try (Tokenizer tokenizer = Tokenizer.fromCheckpoint(dir).orElseThrow()) {
            assertArrayEquals(new int[] {id("the"), id("cat")}, tokenizer.encode("the cat"));
            assertEquals(OptionalInt.of(BOS), tokenizer.bosId());
            assertEquals(OptionalInt.of(EOS), tokenizer.eosId());
        }
    }

    @Test
    void addEosTokenTruePutsTheEosLast() throws IOException {
        writeTokenizerJson(dir, TokenizerFixtures.wordLevelWithBosTemplate());
        writeConfig(
                dir,
                """
                {"add_bos_token": true, "add_eos_token": true,
                 "bos_token": "<s>", "eos_token": "</s>"}""");
        try (Tokenizer tokenizer = Tokenizer.fromCheckpoint(dir).orElseThrow()) {
            assertArrayEquals(
                    new int[] {BOS, id("the"), id("cat"), EOS}, tokenizer.encode("the cat"));
        }
    }

    @Test
    void readsBosAndEosGivenAsAddedTokenObjects() throws IOException {
        writeTokenizerJson(dir, TokenizerFixtures.wordLevelWithBosTemplate());
        writeConfig(
                dir,
                """
                {"add_bos_token": true, "add_eos_token": true,
                 "bos_token": {"__type": "AddedToken", "content": "<s>", "lstrip": false},
                 "eos_token": {"__type": "AddedToken", "content": "</s>", "lstrip": false}}""");
        try (Tokenizer tokenizer = Tokenizer.fromCheckpoint(dir).orElseThrow()) {
            assertEquals(OptionalInt.of(BOS), tokenizer.bosId());
            assertEquals(OptionalInt.of(EOS), tokenizer.eosId());
            assertArrayEquals(new int[] {BOS, id("a"), EOS}, tokenizer.encode("a"));
        }
    }

    @Test
    void aLeftOutAddBosTokenMeansTrueAsInLlamaTokenizer() throws IOException {
        writeTokenizerJson(dir, TokenizerFixtures.unigramWithoutPostProcessor());
        writeConfig(dir, """
                {"add_eos_token": true, "bos_token": "<s>", "eos_token": "</s>"}""");
        try (Tokenizer tokenizer = Tokenizer.fromCheckpoint(dir).orElseThrow()) {
            assertArrayEquals(new int[] {BOS, id("dog"), EOS}, tokenizer.encode("dog"));
        }
    }

    @Test
    void aConfigWithoutAddFlagsLeavesSpecialTokensToThePostProcessor() throws IOException {
        writeTokenizerJson(dir, TokenizerFixtures.wordLevelWithBosTemplate());
        writeConfig(dir, """
                {"bos_token": "<s>", "eos_token": "</s>", "model_max_length": 8}""");
        try (Tokenizer tokenizer = Tokenizer.fromCheckpoint(dir).orElseThrow()) {
            assertArrayEquals(new int[] {BOS, id("mat")}, tokenizer.encode("mat"));
            assertEquals(OptionalInt.of(EOS), tokenizer.eosId());
            String longText = String.join(" ", Collections.nCopies(20, "mat"));
            assertEquals(21, tokenizer.encode(longText).length);
        }
    }

    @Test
    void addsNoSpecialTokensWithoutPostProcessorOrConfig() throws IOException {
        writeTokenizerJson(dir, TokenizerFixtures.unigramWithoutPostProcessor());
        try (Tokenizer tokenizer = Tokenizer.fromCheckpoint(dir).orElseThrow()) {
            assertArrayEquals(new int[] {id("the"), id("dog")}, tokenizer.encode("the dog"));
            assertEquals(OptionalInt.empty(), tokenizer.bosId());
        }
    }

    @Test
    void decodesIdsBackToTextKeepingSpecialTokens() throws IOException {
        try (Tokenizer tokenizer = TokenizerFixtures.bosAddingTokenizer(dir)) {
            assertEquals("the cat sat", tokenizer.decode(new int[] {3, 4, 5}));
            assertEquals("<s> the cat", tokenizer.decode(tokenizer.encode("the cat")));
        }
    }

    @Test
    void vocabSizeCountsTheVocabularyAndAddedTokens() throws IOException {
        ObjectNode json = TokenizerFixtures.wordLevelWithBosTemplate();
        TokenizerFixtures.addSpecialToken(json, TokenizerFixtures.VOCAB_SIZE, "<pad>");
        writeTokenizerJson(dir, json);
        try (Tokenizer tokenizer = Tokenizer.fromCheckpoint(dir).orElseThrow()) {
            assertEquals(TokenizerFixtures.VOCAB_SIZE + 1, tokenizer.vocabSize());
        }
        writeTokenizerJson(dir, TokenizerFixtures.unigramWithoutPostProcessor());
        try (Tokenizer tokenizer = Tokenizer.fromCheckpoint(dir).orElseThrow()) {
            assertEquals(TokenizerFixtures.VOCAB_SIZE, tokenizer.vocabSize());
        }
    }

    @Test
    void namesAMalformedTokenizerJson() throws IOException {
        Path file = Files.writeString(dir.resolve("tokenizer.json"), "{\"model\": {");
        IOException e = assertThrows(IOException.class, () -> Tokenizer.fromCheckpoint(dir));
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    }

    @Test
    void namesATokenizerJsonThatHfTokenizersCannotLoad() throws IOException {
        ObjectNode json = TokenizerFixtures.wordLevelWithBosTemplate();
        ((ObjectNode) json.get("model")).put("type", "NoSuchModel");
        Path file = writeTokenizerJson(dir, json);
        IOException e = assertThrows(IOException.class, () -> Tokenizer.fromCheckpoint(dir));
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    }

    @Test
    void namesAMalformedTokenizerConfig() throws IOException {
        writeTokenizerJson(dir, TokenizerFixtures.wordLevelWithBosTemplate());
        Path config = writeConfig(dir, "{\"add_bos_token\": tru}");
        IOException e = assertThrows(IOException.class, () -> Tokenizer.fromCheckpoint(dir));
        assertTrue(e.getMessage().contains(config.toString()), e.getMessage());
    }

    @Test
    void namesTheConfigWhenItsBosTokenIsNotInTheVocabulary() throws IOException {
        writeTokenizerJson(dir, TokenizerFixtures.wordLevelWithBosTemplate());
        Path config = writeConfig(dir, "{\"add_bos_token\": true, \"bos_token\": \"<bos>\"}");
        IOException e = assertThrows(IOException.class, () -> Tokenizer.fromCheckpoint(dir));
        assertTrue(e.getMessage().contains(config.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("<bos>"), e.getMessage());
    }
}
