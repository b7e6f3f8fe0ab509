package org.layerprune.core.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.layerprune.core.checkpoint.DType;
import org.layerprune.core.model.LlamaModel;
import org.layerprune.core.model.RandomCheckpoint;
import org.layerprune.core.testing.WordTokenizer;
import org.layerprune.core.tokenizer.Tokenizer;

/**
 * Log-likelihood scoring on a random checkpoint with a word-level tokenizer, against the float64 reference
 * (reference/eval_reference.py) scoring the same token ids: one-token choices (one pass per question) and
 * multi-token choices (one row per choice) alike.
 */
class ChoiceScorerReferenceTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static final List<ChoiceRequest> REQUESTS = List.of(
            new ChoiceRequest("letters", "the cat sat on the mat . Which ?\nA. cat\nB. mat\nAnswer:",
                    List.of(" A", " B", " C", " D"), 1, 0),
            new ChoiceRequest("letters", "a dog sat\nAnswer:", List.of(" A", " B", " C", " D"), 0, 0),
            new ChoiceRequest("words", "the dog sat on", List.of(" the mat", " a cat sat", " mat"), 0, 0),
            new ChoiceRequest("words", "Question : the cat ?\nAnswer: ", List.of("no", "yes"), 1, 0));

    @Test
    void logLikelihoodsMatchTheReferenceAndTheBestChoiceIsPredicted(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("model");
        ObjectNode config = (ObjectNode) JSON.readTree("""
                {"model_type": "llama", "hidden_size": 32, "intermediate_size": 64, "num_hidden_layers": 2,
                 "num_attention_heads": 4, "num_key_value_heads": 2, "vocab_size": 64}""");
        RandomCheckpoint.write(config, DType.F32, 3, 0.2, Long.MAX_VALUE, dir);
        List<String> texts = new ArrayList<>();
        REQUESTS.forEach(r -> {
            texts.add(r.context());
            texts.addAll(r.continuations());
        });
        texts.add("C D");
        WordTokenizer.write(dir, texts);
        try (Tokenizer tokenizer = Tokenizer.fromCheckpoint(dir).orElseThrow();
                LlamaModel model = LlamaModel.load(dir, Device.cpu())) {
            List<EncodedRequest> encoded = EvalModels.encode(REQUESTS, tokenizer);
            assertTrue(encoded.get(0).singleTokenChoices() && !encoded.get(2).singleTokenChoices());
            assertEquals(1, encoded.get(3).continuations().get(0).length,
                    "the context's trailing space moved into the continuation");
            JsonNode ref = EvalModels.referenceLogLikelihoods(dir, encoded, tmp);
            List<ScoredChoice> scored = new ChoiceScorer(model, tokenizer::encodeWithoutSpecialTokens, 3, 512)
                    .score(REQUESTS, EvalProgress.NONE, () -> false);
            for (int q = 0; q < REQUESTS.size(); q++) {
                double[] ours = scored.get(q).logLikelihoods();
                JsonNode expected = ref.get("loglikelihoods").get(q);
                int best = 0;
                for (int c = 0; c < ours.length; c++) {
                    double e = expected.get(c).asDouble();
                    assertEquals(e, ours[c], 1e-4 * Math.max(1, Math.abs(e)), "question " + q + " choice " + c);
                    best = e > expected.get(best).asDouble() ? c : best;
                }
                assertEquals(best, scored.get(q).predicted(), "question " + q);
            }
        }
    }

    @Test
    void aPromptLongerThanTheContextIsCutFromTheLeft(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("model");
        ObjectNode config = (ObjectNode) JSON.readTree("""
                {"model_type": "llama", "hidden_size": 32, "intermediate_size": 64, "num_hidden_layers": 1,
                 "num_attention_heads": 4, "vocab_size": 32}""");
        RandomCheckpoint.write(config, DType.F32, 4, 0.2, Long.MAX_VALUE, dir);
        WordTokenizer.write(dir, List.of("a b c d e f g h A B"));
        try (Tokenizer tokenizer = Tokenizer.fromCheckpoint(dir).orElseThrow();
                LlamaModel model = LlamaModel.load(dir, Device.cpu())) {
            ChoiceRequest longer = new ChoiceRequest("t", "a b c d e f g h", List.of(" A", " B"), 0, 0);
            ChoiceRequest tail = new ChoiceRequest("t", "e f g h", List.of(" A", " B"), 0, 0);
            ChoiceScorer scorer = new ChoiceScorer(model, tokenizer::encodeWithoutSpecialTokens, 2, 4);
            List<ScoredChoice> scored = scorer.score(List.of(longer, tail), EvalProgress.NONE, () -> false);
            assertTrue(scored.get(0).truncated());
            assertEquals(scored.get(1).logLikelihoods()[0], scored.get(0).logLikelihoods()[0], 1e-6,
                    "only the last 4 tokens were read");
        }
    }
}
