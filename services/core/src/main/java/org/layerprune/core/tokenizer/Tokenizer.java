package org.layerprune.core.tokenizer;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A checkpoint's tokenizer: HF tokenizers (through DJL) loaded offline from its tokenizer.json,
 * with the special tokens of its tokenizer_config.json.
 *
 * <p>Special tokens follow HF transformers, so that ids computed here match what the model saw in
 * training:
 *
 * <ol>
 *   <li>When tokenizer_config.json sets {@code add_bos_token} or {@code add_eos_token} (Llama 2,
 *       Mistral, Gemma), those flags decide, replacing tokenizer.json's post-processor as
 *       {@code LlamaTokenizerFast.update_post_processor} does: the text is encoded without the
 *       post-processor's tokens, then {@code bos_token} goes first if {@code add_bos_token} and
 *       {@code eos_token} last if {@code add_eos_token}. A flag left out takes LlamaTokenizer's
 *       default: {@code add_bos_token} true, {@code add_eos_token} false.
 *   <li>Otherwise (no tokenizer_config.json, or neither flag in it) tokenizer.json's
 *       {@code post_processor} adds what its template says: Llama 3's {@code <|begin_of_text|>},
 *       nothing for GPT-2.
 * </ol>
 *
 * <p>The BOS and EOS are tokenizer_config.json's {@code bos_token} and {@code eos_token}, given
 * either as a string or as an AddedToken object {@code {"content": ...}} ({@code null} means
 * none), looked up in tokenizer.json. Where the config does not name one, they are the special
 * tokens that a {@code TemplateProcessing} post-processor puts before and after the text.
 *
 * <p>Texts are never truncated or padded: DJL's defaults cut every text to 512 tokens, which
 * would silently shorten calibration and evaluation sequences, so both are switched off here and
 * {@code maxLength} belongs to the dataset.
 *
 * <p>Holds a native handle: close it.
 */
public final class Tokenizer implements AutoCloseable {

    private static final Map<String, String> NO_TRUNCATION_NO_PADDING =
            Map.of("truncation", "false", "padding", "false");

    private final HuggingFaceTokenizer hf;
    private final SpecialTokens specialTokens;
    private final int vocabSize;

    private Tokenizer(HuggingFaceTokenizer hf, SpecialTokens specialTokens, int vocabSize) {
        this.hf = hf;
        this.specialTokens = specialTokens;
        this.vocabSize = vocabSize;
    }

    /**
     * Loads the tokenizer of a checkpoint directory, reading nothing but local files.
     *
     * @param dir a checkpoint directory, holding tokenizer.json and maybe tokenizer_config.json
     * @return the tokenizer, or empty when there is no tokenizer.json: a checkpoint without a
     *     tokenizer works on token ids
     * @throws IOException when a file cannot be read or is malformed; the message names the file
     */
    public static Optional<Tokenizer> fromCheckpoint(Path dir) throws IOException {
        Path tokenizerFile = dir.resolve("tokenizer.json");
        if (!Files.exists(tokenizerFile)) {
            return Optional.empty();
        }
        byte[] json = Files.readAllBytes(tokenizerFile);
        TokenizerJson tokenizerJson = TokenizerJson.parse(tokenizerFile, json);
        SpecialTokens specialTokens =
                SpecialTokens.read(dir.resolve("tokenizer_config.json"), tokenizerJson);
        HuggingFaceTokenizer hf;
        try {
            hf =
                    HuggingFaceTokenizer.newInstance(
                            new ByteArrayInputStream(json), NO_TRUNCATION_NO_PADDING);
        } catch (RuntimeException e) {
            // HF tokenizers rejects well-formed JSON it cannot build a tokenizer from.
            throw new IOException(
                    tokenizerFile + ": not a tokenizer HF tokenizers can load: " + e.getMessage(),
                    e);
        }
        return Optional.of(new Tokenizer(hf, specialTokens, tokenizerJson.vocabSize()));
    }

    /**
     * Encodes a text, whatever its length, with the checkpoint's special tokens.
     *
     * @return the token ids, BOS and EOS included as the checkpoint's rule says
     */
    public int[] encode(String text) {
        if (specialTokens.byPostProcessor()) {
            return toInts(hf.encode(text, true, false).getIds());
        }
        return specialTokens.frame(toInts(hf.encode(text, false, false).getIds()));
    }

    /**
     * Encodes a text with no special tokens at all, as lm-eval-harness encodes prompts for causal models
     * ({@code add_special_tokens=False}): a prompt is scored as the harness scores it only if it gets no BOS.
     */
    public int[] encodeWithoutSpecialTokens(String text) {
        return toInts(hf.encode(text, false, false).getIds());
    }

    /**
     * Decodes token ids back to text, keeping special tokens (as HF's {@code decode} does by
     * default), so that a BOS in the middle of a sequence stays visible.
     */
    public String decode(int[] ids) {
        return hf.decode(Arrays.stream(ids).asLongStream().toArray(), false);
    }

    /** The beginning-of-sequence token, if the checkpoint has one. */
    public OptionalInt bosId() {
        return specialTokens.bosId();
    }

    /** The end-of-sequence token, if the checkpoint has one. */
    public OptionalInt eosId() {
        return specialTokens.eosId();
    }

    /**
     * One more than the largest id this tokenizer produces, added tokens included (HF's {@code
     * len(tokenizer)}). The model's embedding may have more rows (vocabularies are often padded).
     */
    public int vocabSize() {
        return vocabSize;
    }

    /** Frees the native tokenizer. */
    @Override
    public void close() {
        hf.close();
    }

    private static int[] toInts(long[] ids) {
        return Arrays.stream(ids).mapToInt(Math::toIntExact).toArray();
    }
}
