package org.layerprune.core.tokenizer;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The BOS and EOS of a checkpoint, and which of them {@link Tokenizer#encode} puts around a text:
 * the rule documented on {@link Tokenizer}, read once when the tokenizer is loaded.
 *
 * @param bosId the beginning-of-sequence token, if the checkpoint has one
 * @param eosId the end-of-sequence token, if the checkpoint has one
 * @param configFlags the config's flags when they decide; empty when the post-processor does
 */
record SpecialTokens(OptionalInt bosId, OptionalInt eosId, Optional<Flags> configFlags) {

    private static final ObjectMapper JSON =
            new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /**
     * {@code add_bos_token} and {@code add_eos_token} as tokenizer_config.json sets them.
     *
     * @param addBos put the BOS before the text
     * @param addEos put the EOS after the text
     */
    record Flags(boolean addBos, boolean addEos) {}

    /**
     * Reads the rule for one checkpoint.
     *
     * @param configFile tokenizer_config.json; it need not exist
     * @param tokenizerJson the checkpoint's tokenizer.json, to look the special tokens up in
     * @throws IOException when tokenizer_config.json is malformed or names a token that
     *     tokenizer.json lacks; the message names the file
     */
    static SpecialTokens read(Path configFile, TokenizerJson tokenizerJson) throws IOException {
        if (!Files.exists(configFile)) {
            return new SpecialTokens(
                    tokenizerJson.templateBos(), tokenizerJson.templateEos(), Optional.empty());
        }
        JsonNode config;
        try {
            config = JSON.readTree(configFile.toFile());
        } catch (IOException e) {
            throw new IOException(
                    configFile + ": malformed tokenizer_config.json: " + e.getMessage(), e);
        }
        if (config == null || !config.isObject()) {
            throw new IOException(
                    configFile + ": malformed tokenizer_config.json: not a JSON object");
        }
        OptionalInt bos =
                config.has("bos_token")
                        ? token(config, "bos_token", configFile, tokenizerJson)
                        : tokenizerJson.templateBos();
        OptionalInt eos =
                config.has("eos_token")
                        ? token(config, "eos_token", configFile, tokenizerJson)
                        : tokenizerJson.templateEos();
        if (!config.has("add_bos_token") && !config.has("add_eos_token")) {
            return new SpecialTokens(bos, eos, Optional.empty());
        }
        Flags flags =
                new Flags(
                        flag(config, "add_bos_token", true, configFile),
                        flag(config, "add_eos_token", false, configFile));
        if (flags.addBos() && bos.isEmpty()) {
            throw new IOException(configFile + ": add_bos_token is true but there is no bos_token");
        }
        if (flags.addEos() && eos.isEmpty()) {
            throw new IOException(configFile + ": add_eos_token is true but there is no eos_token");
        }
        return new SpecialTokens(bos, eos, Optional.of(flags));
    }

    /** True when tokenizer.json's post-processor adds the special tokens. */
    boolean byPostProcessor() {
        return configFlags.isEmpty();
    }

    /**
     * Puts the BOS and EOS around a text's ids as the config's flags say.
     *
     * @param text ids encoded without special tokens
     */
    int[] frame(int[] text) {
        Flags flags = configFlags.orElseThrow();
        int start = flags.addBos() ? 1 : 0;
        int[] ids = new int[start + text.length + (flags.addEos() ? 1 : 0)];
        System.arraycopy(text, 0, ids, start, text.length);
        if (flags.addBos()) {
            ids[0] = bosId.getAsInt();
        }
        if (flags.addEos()) {
            ids[ids.length - 1] = eosId.getAsInt();
        }
        return ids;
    }

    /** A special token given as a string, as {"content": ...}, or as null (there is none). */
    private static OptionalInt token(
            JsonNode config, String key, Path configFile, TokenizerJson tokenizerJson)
            throws IOException {
        JsonNode node = config.get(key);
        if (node.isNull()) {
            return OptionalInt.empty();
        }
        JsonNode content = node.isObject() ? node.path("content") : node;
        if (!content.isTextual()) {
            throw new IOException(
                    configFile + ": " + key + " must be a string or an object with \"content\"");
        }
        OptionalInt id = tokenizerJson.idOf(content.asText());
        if (id.isEmpty()) {
            throw new IOException(
                    configFile + ": " + key + " '" + content.asText() + "' is not a token of "
                            + tokenizerJson.file());
        }
        return id;
    }

    private static boolean flag(JsonNode config, String key, boolean absent, Path configFile)
            throws IOException {
        JsonNode node = config.path(key);
        if (node.isMissingNode()) {
            return absent;
        }
        if (!node.isBoolean()) {
            throw new IOException(configFile + ": " + key + " must be true or false");
        }
        return node.asBoolean();
    }
}
